/**
 * The letters page (`/letters/<room>`): refrigerator-magnet letters that
 * everyone in the room drags in realtime, with the others' cursors and a
 * choice when a move of mine lost to a concurrent one. Rendered in the
 * browser only (no server-side render); the room is the document
 * `letters.<room>`, and its presence carries names, colours and cursors.
 */
import { useEffect, useState } from 'react';
import { PresenceRoom } from 'yracer/react';
import { myIdentity } from './identity.ts';
import { LettersBoard } from './letters-board.tsx';
import { roomDoc, roomFromPath } from './letters.ts';
import { PeopleHere } from './people-here.tsx';
import { RoomStatus } from './room-status.tsx';
import './letters.css';

export function LettersApp({ pathname }: { readonly pathname: string }) {
  const room = roomFromPath(pathname);
  const [me] = useState(myIdentity);
  useEffect(() => {
    document.title = room === null ? 'letters · yracer' : `${room} · letters · yracer`;
  }, [room]);

  if (room === null) {
    return (
      <main className="letters-page">
        <div className="letters-error" role="alert" data-testid="room-error">
          <h1>No such room</h1>
          <p>
            A room name has 1 to 64 letters, digits, <code>-</code> or <code>_</code>, as in <a href="/letters/lobby">/letters/lobby</a>.
          </p>
        </div>
      </main>
    );
  }

  return (
    <PresenceRoom doc={roomDoc(room)} initial={{ name: me.name, color: me.color }}>
      <main className="letters-page">
        <header className="letters-header">
          <h1>
            letters <span className="room-name">/{room}</span>
          </h1>
          <PeopleHere me={me} />
          <RoomStatus />
        </header>
        <LettersBoard room={room} />
        <p className="letters-hint">
          Drag the letters. Everyone at <code>/letters/{room}</code> sees them move and sees your pointer; when two people
          move a letter while apart, the one whose move lost gets to choose. <a href="/">Back to the todos</a>
        </p>
      </main>
    </PresenceRoom>
  );
}
