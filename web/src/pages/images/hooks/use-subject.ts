/**
 * Whose image the page works on: the user and their identity, kept across reloads (and
 * each user's identity, for when the admin comes back to them). Defaults: the user last
 * chosen in this browser, else "Me"; then the user's first identity.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef } from "react";

import { identitiesAskedAt } from "../queryCache";
import { useFailure } from "./use-failure";
import { useIdentities, useUsers } from "./use-users";
import { isStringOrNull, isStringRecord, read, useSessionState } from "./use-session-state";

/** The user last chosen in this tab, else in this browser, and the identity last chosen for
 * them: what the page opens on (when the host still has them). */
export function lastChosen(): { user: string | null; identity: string | null } {
  const user = read("user", null, isStringOrNull, "browser");
  const identity = user === null ? undefined : read("identities", {}, isStringRecord, "browser")[user];
  return { user, identity: identity ?? null };
}

export function useSubject() {
  const queryClient = useQueryClient();
  const users = useUsers();
  // A new tab starts with the user last chosen in this browser ("Me" has no identities, often).
  const [chosenUser, setChosenUser] = useSessionState<string | null>("user", null, isStringOrNull, "browser");
  const known = users.data?.find((user) => user.id === chosenUser);
  const userId = known?.id ?? users.data?.[0]?.id ?? null;
  const identities = useIdentities(userId);
  // Why they could not be read, until they are: each re-read of identities never read shows
  // as a first load, which would take the alert and the reason away and back every 2 s.
  const failure = useFailure(identities, userId);
  // Each user's identity, in the browser too: a new tab that opens on a user opens on the
  // identity last chosen for them, not on their first (a Generate would go to another).
  const [chosenIdentities, setChosenIdentities] = useSessionState("identities", {}, isStringRecord, "browser");
  const chosenIdentity = userId === null ? undefined : chosenIdentities[userId];
  const list = identities.data;
  const identity = list?.find((i) => i.id === chosenIdentity) ?? list?.[0] ?? null;
  // Another identity of the user's: its image as the host has it now. The list was read up to
  // 30 s before (more on a page left open), and another window may have saved to it since: the
  // page said "No image" over a saved one, and a Save here replaced an image never seen.
  const identityId = identity?.id ?? null;
  const shownBefore = useRef(identityId);
  const { isFetching, refetch } = identities;
  useEffect(() => {
    const before = shownBefore.current;
    shownBefore.current = identityId;
    if (before !== null && identityId !== null && before !== identityId && !isFetching) void refetch();
  }, [identityId, isFetching, refetch]);
  const chooseIdentity = useCallback(
    (id: string) => {
      if (userId !== null) setChosenIdentities({ ...chosenIdentities, [userId]: id });
    },
    [userId, chosenIdentities, setChosenIdentities],
  );
  /** Go to one identity of a user's (another user's, too). */
  const showIdentity = useCallback(
    (user: string, id: string) => {
      setChosenIdentities({ ...chosenIdentities, [user]: id });
      setChosenUser(user);
    },
    [chosenIdentities, setChosenIdentities, setChosenUser],
  );
  return {
    userId,
    identity,
    identityId,
    /** When the identities (and so the identity's image path) were last read: asked for. */
    identityReadAt: identitiesAskedAt(queryClient, userId) ?? identities.dataUpdatedAt,
    hasNoIdentities: list !== undefined && list.length === 0,
    /** The user's identities, as read (or not): a failed read is polled, and said. */
    identitiesRead: identities,
    /** Why the user's identities could not be read, while they never were (a later read that
     * fails is a lost contact, said among the page's notices); null else. */
    identitiesUnreadable: list === undefined ? failure : null,
    chooseUser: setChosenUser,
    chooseIdentity,
    showIdentity,
  };
}
