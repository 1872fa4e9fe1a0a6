/** The all / active / done switch. */
import type { Filter } from './todo.ts';

const FILTERS: ReadonlyArray<{ value: Filter; label: string }> = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'done', label: 'Done' },
];

export interface FilterBarProps {
  readonly filter: Filter;
  readonly onChange: (filter: Filter) => void;
}

export function FilterBar({ filter, onChange }: FilterBarProps) {
  return (
    <div className="filters" role="group" aria-label="Show">
      {FILTERS.map(({ value, label }) => (
        <button
          key={value}
          type="button"
          className="filter"
          data-testid={`filter-${value}`}
          aria-pressed={filter === value}
          onClick={() => onChange(value)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
