import { useCallback, useRef } from "react";

import type { HostUser } from "../../../api/imageGeneration";
import { useUsers } from "../hooks/use-users";
import ui from "../ui.module.css";
import { IdentitySelector, type NoIdentitiesNote } from "./IdentitySelector";
import { UserSelector, userName } from "./UserSelector";
import styles from "./WhoseImage.module.css";

/** Whose image the page makes: the User and Identity selects. A user with no identities (often
 * "Me", the default) is no dead end: the way out is the User select, one press away, opened
 * where the browser can. */
export function WhoseImage({
  userId,
  identityId,
  unreadable,
  onChooseUser,
  onChooseIdentity,
  onShowCurrent,
}: {
  userId: string | null;
  identityId: string | null;
  /** Why the user's identities could not be read, while they never were. */
  unreadable: Error | null;
  onChooseUser: (id: string) => void;
  onChooseIdentity: (id: string) => void;
  /** Takes the admin to the history's row or tile of the identity's image; null when the
   * history read does not hold it. */
  onShowCurrent: (() => void) | null;
}) {
  const users = useUsers();
  const userSelect = useRef<HTMLSelectElement>(null);
  const toUserSelect = useCallback(() => {
    const select = userSelect.current;
    select?.focus();
    try {
      select?.showPicker?.();
    } catch {
      // Not from this gesture, or not in this browser: the focus is there, arrows choose.
    }
  }, []);
  return (
    <section className={`${ui.card} ${styles.pickers}`} aria-label="Whose image">
      <UserSelector selectRef={userSelect} value={userId} onChange={onChooseUser} />
      <IdentitySelector
        userId={userId}
        value={identityId}
        unreadable={unreadable}
        onChange={onChooseIdentity}
        noIdentities={noIdentitiesNote(users.data ?? [], userId)}
        onChooseUser={toUserSelect}
        onShowCurrent={onShowCurrent}
      />
    </section>
  );
}

/** What a user with no identities is told: whose they are not ("You" for the caller, the
 * first of the users), and the way to one who has some. */
function noIdentitiesNote(users: HostUser[], userId: string | null): NoIdentitiesNote {
  const index = users.findIndex((user) => user.id === userId);
  const chosen = users[index];
  const text = index === 0 || !chosen ? "You have no identities." : `${userName(chosen)} has no identities.`;
  const others = users.length > 1;
  return { text, action: others ? (index === 0 ? "Choose a test user" : "Choose another user") : null };
}
