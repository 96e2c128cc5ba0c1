import { useId, type Ref } from "react";

import type { HostUser } from "../../../api/imageGeneration";
import { useUsers } from "../hooks/use-users";
import ui from "../ui.module.css";

interface Props {
  /** The select, for the way out of a user with no identities (see `IdentitySelector`). */
  selectRef?: Ref<HTMLSelectElement>;
  value: string | null;
  onChange: (userId: string) => void;
}

/** "Me" (the signed-in admin) and the test users. The value is the user's id. */
export function UserSelector({ selectRef, value, onChange }: Props) {
  const id = useId();
  const users = useUsers();
  const list = users.data ?? [];
  return (
    <div className={ui.field}>
      <label htmlFor={id} className={ui.label}>
        User
      </label>
      <select
        ref={selectRef}
        id={id}
        className={ui.select}
        value={value ?? ""}
        disabled={!users.data}
        aria-describedby={users.isError ? `${id}-error` : undefined}
        onChange={(event) => onChange(event.target.value)}
      >
        {users.isPending && <option value="">Loading users…</option>}
        {users.isError && <option value="">Could not load users</option>}
        {users.data && value === null && <option value="">Choose a user</option>}
        {list.map((user, index) => (
          <option key={user.id} value={user.id}>
            {userLabel(user, index === 0)}
          </option>
        ))}
      </select>
      {users.isError && (
        <span id={`${id}-error`} role="alert" className={ui.alert}>
          {users.error.message}
        </span>
      )}
    </div>
  );
}

/** What a person is called on the page: their display name, else their username. */
export function userName(user: HostUser): string {
  return user.display_name || user.username;
}

/** What the page says once `name`'s photos left the form for another user's (see
 * `switchUser`): whose they are, and how to get them back. */
export function photosAsideNote(name: string): string {
  return `${name}'s photos are set aside. Choose ${name} again to bring them back.`;
}

/** What the page says once `name`'s photos came back into the form (see `switchUser`): the
 * note of their going promised it, and their tiles come unannounced. */
export function photosBackNote({ name, count }: { name: string; count: number }): string {
  return count === 1 ? `${name}'s photo is back.` : `${name}'s ${count} photos are back.`;
}

/** The API lists the caller first, then the test users. */
export function userLabel(user: HostUser, isCaller: boolean): string {
  const name = userName(user);
  if (isCaller) return `Me (${name})`;
  return user.is_test_user ? `${name} · test user` : name;
}
