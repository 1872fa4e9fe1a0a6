/**
 * Who is in the room: me first, then the others (from presence), as
 * coloured name chips. Re-renders when someone comes, goes or is renamed,
 * not when cursors move.
 */
import type { PresencePeer } from 'yracer';
import { useOthers } from 'yracer/react';
import type { CursorState, Identity } from './identity.ts';

interface Person {
  readonly key: number;
  readonly name: string;
  readonly color: string;
}

function selectPeople(others: readonly PresencePeer<Partial<CursorState>>[]): readonly Person[] {
  return others.flatMap(({ clientId, state }) =>
    typeof state.name === 'string' && typeof state.color === 'string' ? [{ key: clientId, name: state.name, color: state.color }] : [],
  );
}

function samePeople(a: readonly Person[], b: readonly Person[]): boolean {
  return a.length === b.length && a.every((person, i) => person.key === b[i]?.key && person.name === b[i]?.name && person.color === b[i]?.color);
}

export function PeopleHere({ me }: { readonly me: Identity }) {
  const others = useOthers(selectPeople, samePeople);
  return (
    <ul className="people" aria-label="In this room">
      <li className="person person-me" data-testid="me" data-name={me.name} style={{ ['--person-color' as string]: me.color }}>
        {me.name} (you)
      </li>
      {others.map((person) => (
        <li key={person.key} className="person" data-testid="person" style={{ ['--person-color' as string]: person.color }}>
          {person.name}
        </li>
      ))}
    </ul>
  );
}
