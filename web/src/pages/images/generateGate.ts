/** Whether Generate can be pressed now, and if not, the one thing to do first. */
import { OFFLINE } from "./errors";

export interface GenerateState {
  sessionEnded: boolean;
  online: boolean;
  /** The user chosen has no identities. */
  hasNoIdentities: boolean;
  /** The user's identities could not be read (none were before). */
  identitiesUnreadable: boolean;
  /** An identity (and so its user) is chosen. */
  identityChosen: boolean;
  photos: number;
  uploading: boolean;
  /** Photos whose upload failed or was stopped: the admin added them to be sent. */
  notUploaded: number;
  /** Photos a reload lost before they were uploaded: the admin added them to be sent too. */
  lost: number;
  promptTooLong: boolean;
  promptMaxChars: number;
}

/** The first thing in the way of a Generate, in the admin's words; null when nothing is. */
export function whyGenerateIsOff(state: GenerateState): string | null {
  if (state.sessionEnded) return "Log in again to go on.";
  if (!state.online) return OFFLINE;
  if (state.hasNoIdentities) return "Choose a user who has identities.";
  // Not "Choose an identity": there is none to choose until they are read (the page keeps trying).
  if (state.identitiesUnreadable) return "The identities could not be read.";
  if (!state.identityChosen) return "Choose an identity.";
  // Uploading first: while the first photo uploads there is none yet, but one is coming.
  if (state.uploading) return "Waiting for the photos to upload…";
  // Not sent without a word: the admin added it for this generation.
  if (state.notUploaded > 0) {
    const which = state.notUploaded === 1 ? "A photo did not upload" : `${state.notUploaded} photos did not upload`;
    return `${which}: retry or remove ${state.notUploaded === 1 ? "it" : "them"}.`;
  }
  // Nor one a reload lost: the page has nothing of it to send, the admin adds it again.
  if (state.lost > 0) {
    const [which, them] = state.lost === 1 ? ["A photo", "it"] : [`${state.lost} photos`, "them"];
    return `${which} did not upload: add ${them} again or remove ${them}.`;
  }
  if (state.photos === 0) return "Add at least one reference photo.";
  if (state.promptTooLong) return `The prompt is over ${state.promptMaxChars} characters.`;
  return null;
}
