/**
 * The ways the admin goes to another user or identity: the User and Identity selects, and
 * Show on a click watched from afar (`JobsElsewhere`), whose results it brings into view.
 * Another user is another person: their photos must not make this one's image, so going to
 * one puts the form's photos aside (see `switchUser`).
 */
import { useState, type RefObject } from "react";

import { userName } from "../components/UserSelector";
import { scrollBehavior } from "../motion";
import type { ReferenceUploads } from "./use-reference-uploads";
import { usePaneArrival } from "./use-pane-arrival";
import type { ClickElsewhere, useShownJobs } from "./use-shown-jobs";
import type { useSubject } from "./use-subject";
import { useUsers } from "./use-users";

interface Options {
  subject: ReturnType<typeof useSubject>;
  uploads: ReferenceUploads;
  /** The shown jobs' ways to show a click in its pane, or to stop watching it, and the ids
   * the pane shows now. */
  shown: Pick<ReturnType<typeof useShownJobs>, "show" | "forget" | "paneIds">;
  /** The result pane's element: Show brings it into view, its heading focused. */
  resultPane: RefObject<HTMLElement | null>;
}

export function useSubjectChanges({ subject, uploads, shown, resultPane }: Options) {
  const { userId } = subject;
  const users = useUsers();
  // Put aside, not lost (a keyboard user arrowing through the users passes others on the way),
  // and the form names whose they are (`othersPutAside`).
  const photosFor = (user: string) => {
    if (user === userId) return;
    // The user on screen is always one of the users read (see `useSubject`).
    const leaving = users.data?.find((each) => each.id === userId);
    const coming = users.data?.find((each) => each.id === user);
    uploads.switchUser(leaving ? { id: leaving.id, name: userName(leaving) } : null, { id: user, name: coming ? userName(coming) : "" });
  };
  // Show went to another user's click: the result pane says whose photos went aside too, where
  // Show takes the admin (a screen below the form on a phone). Until the admin goes elsewhere;
  // not once photos are back in the form.
  const [asideByShow, setAsideByShow] = useState(false);
  // Show's results come into view, the pane's heading focused, once the pane shows the click:
  // the user's identities may be on their way, and the notice Show was pressed on goes as the
  // pane takes the click, moving the page up.
  const arrival = usePaneArrival(shown.paneIds);
  return {
    chooseUser: (id: string) => {
      photosFor(id);
      setAsideByShow(false);
      subject.chooseUser(id);
    },
    chooseIdentity: (id: string) => {
      setAsideByShow(false);
      subject.chooseIdentity(id);
    },
    /** Clicks watched from afar: Show and Dismiss, wherever their notice is. */
    watched: {
      onShow: (click: ClickElsewhere) => {
        setAsideByShow(click.userId !== userId);
        photosFor(click.userId);
        subject.showIdentity(click.userId, click.identityId);
        shown.show(click);
        // Its results, where they are: beside the form, or a screen below it on a phone.
        arrival.whenShown(click.key, () => {
          resultPane.current?.scrollIntoView?.({ behavior: scrollBehavior(), block: "start" });
          resultPane.current?.querySelector<HTMLElement>("h2")?.focus({ preventScroll: true });
        });
      },
      onDismiss: shown.forget,
    },
    /** Whose photos Show put aside, for the result pane to say; null else. */
    photosPutAsideByShow: asideByShow ? uploads.othersPutAside : null,
  };
}
