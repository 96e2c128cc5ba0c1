import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type ReactNode } from "react";

import { messageOf } from "./errors";
import { useFailure } from "./hooks/use-failure";
import { claimDraft } from "./hooks/use-session-state";
import { useUsers } from "./hooks/use-users";
import { keys } from "./queryCache";
import { Frame, LoadFailed, Loading } from "./PageFrame";

/** The page, once the stored draft is the caller's (the first of the users: see
 * `claimDraft`). Not before: a draft another admin left at this browser (their face photos,
 * their prompt) must not show while it is not known whose it is, so users that cannot be
 * read leave the page unopened, with why and a Try again. A session that comes back may be
 * another admin's (a host can log someone else in without unmounting the page): the caller
 * is read again then, and another one gets their own draft. */
export function CallersDraft({ sessionEnded, children }: { sessionEnded: boolean; children: ReactNode }) {
  const users = useUsers();
  const failure = useFailure(users);
  const queryClient = useQueryClient();
  const wasEnded = useRef(sessionEnded);
  useEffect(() => {
    if (wasEnded.current && !sessionEnded) void queryClient.invalidateQueries({ queryKey: keys.users });
    wasEnded.current = sessionEnded;
  }, [sessionEnded, queryClient]);
  const admin = users.data?.[0]?.id;
  if (admin !== undefined) {
    return (
      <DraftOf admin={admin} key={admin}>
        {children}
      </DraftOf>
    );
  }
  if (users.isPending && failure === null) {
    return (
      <Frame>
        <Loading />
      </Frame>
    );
  }
  // An ended session has its one notice (the frame's): a Try again could not help.
  if (sessionEnded) return <Frame>{null}</Frame>;
  return (
    <Frame>
      <LoadFailed retry={() => void users.refetch()} retrying={users.isFetching}>
        Could not load the users.{" "}
        <span>{failure ? messageOf(failure) : "The image service did not say who you are."}</span>
      </LoadFailed>
    </Frame>
  );
}

/** Makes the stored draft `admin`'s before anything below reads it: once, as it mounts. */
function DraftOf({ admin, children }: { admin: string; children: ReactNode }) {
  useState(() => claimDraft(admin));
  return children;
}
