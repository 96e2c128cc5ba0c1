import { useCallback, useMemo, useRef } from "react";

import type { CreateVariantsRequest, HostUser, ImageSize, Job } from "../../api/imageGeneration";
import { CallersDraft } from "./CallersDraft";
import { CompareDialog } from "./components/CompareDialog";
import { ComposeForm } from "./components/ComposeForm";
import type { PhotosSharedBy } from "./components/ReferenceImageUpload";
import type { FollowUps } from "./components/followUps";
import { GenerationHistory, isHistoryView, type HistoryView } from "./components/GenerationHistory";
import { JobsElsewhere } from "./components/JobsElsewhere";
import { ResultPane } from "./components/ResultPane";
import { userName } from "./components/UserSelector";
import { WhoseImage } from "./components/WhoseImage";
import type { TabConfig } from "./config";
import { messageOf } from "./errors";
import { whyGenerateIsOff } from "./generateGate";
import { useCompare } from "./hooks/use-compare";
import { lostContact as lostContactOf, useOnline } from "./hooks/use-connection";
import { draftOf, useDraft } from "./hooks/use-draft";
import { useEditSettings } from "./hooks/use-edit-settings";
import { useFailure } from "./hooks/use-failure";
import { useUsers } from "./hooks/use-users";
import { useJobActions, type ActionPlace } from "./hooks/use-job-actions";
import { useReadAhead } from "./hooks/use-read-ahead";
import { useReferenceUploads } from "./hooks/use-reference-uploads";
import { useCurrentImageJob } from "./hooks/use-current-image-job";
import { useShownJobs } from "./hooks/use-shown-jobs";
import { useSubject } from "./hooks/use-subject";
import { useSavedHistory, withSavesRead } from "./hooks/use-saved-history";
import { useSessionState } from "./hooks/use-session-state";
import { olderPages } from "./hooks/use-show-older";
import { useSubjectChanges } from "./hooks/use-subject-changes";
import { useTabConfig } from "./hooks/use-tab-config";
import { useUndoSave } from "./hooks/use-undo-save";
import { unusablePhotos } from "./job/failure";
import { clickWithout, withoutIt } from "./job/without";
import { historyNames } from "./job/historyNames";
import { identityImageUrl } from "./job/picture";
import { usualSeconds } from "./job/progress";
import { sameClickOnItsWay } from "./sameClick";
import { currentImageJobId } from "./job/saved";
import { jobItem, takeAdminTo } from "./motion";
import { Frame, LoadFailed, Loading, LostContact, PageNotices } from "./PageFrame";
import ui from "./ui.module.css";
import styles from "./ImagesWorkspace.module.css";

/** The page once its settings are read. While the session has ended, its notice (`PageNotices`)
 * says so once: no "try again" that cannot help. */
export function ImagesWorkspace({ sessionEnded = false }: { sessionEnded?: boolean }) {
  const config = useTabConfig();
  useReadAhead();
  const failure = useFailure(config);
  if (failure) {
    if (sessionEnded) return <Frame>{null}</Frame>;
    return (
      <Frame>
        <LoadFailed retry={() => void config.refetch()} retrying={config.isFetching}>
          Could not load the image settings. {messageOf(failure)}
        </LoadFailed>
      </Frame>
    );
  }
  if (!config.data) {
    return (
      <Frame>
        <Loading />
      </Frame>
    );
  }
  return (
    <CallersDraft sessionEnded={sessionEnded}>
      <Workspace config={config.data} sessionEnded={sessionEnded} />
    </CallersDraft>
  );
}

/** The page, in the order it shows: whose image it makes, the form beside its results, the
 * identity's history, the page's notices at its foot (contact lost, the clicks for other
 * identities the admin has not seen end: after the selects in Tab's order), and the Compare
 * dialog while it is open. What each part needs is wired here; each part is its own component. */
function Workspace({ config, sessionEnded }: { config: TabConfig; sessionEnded: boolean }) {
  const subject = useSubject();
  const { userId, identity, identityId } = subject;
  const users = useUsers();
  const sharedBy = photosSharedBy(users.data ?? [], userId, subject.identitiesRead.data?.length ?? 0);

  const shown = useShownJobs(identityId);
  const { history, paneJobs, historyJobs, elsewhere } = shown;
  // How the history shows, the admin's habit kept in this browser; the Saved view reads every
  // save, however far down the history.
  const [historyView, setHistoryView] = useSessionState<HistoryView>("historyView", "all", isHistoryView, "browser");
  const saves = useSavedHistory(identityId, historyView === "saved");
  const jobs = historyJobs ?? [];
  // Every job of the identity the page read: the history's, then the saves older than its
  // pages, which the Saved view read (its tiles are named, compared, and found "current" too).
  const savesJobs = saves.jobs;
  const historyAndSaves = useMemo(() => withSavesRead(historyJobs ?? [], savesJobs), [historyJobs, savesJobs]);
  // And the identity's image's generation, read by itself when neither holds it (saved long
  // ago): a Save over it offers Undo, and Compare shows it.
  const imageJob = useCurrentImageJob(identity, historyJobs === undefined ? undefined : [...paneJobs, ...historyAndSaves]);
  const readJobs = useMemo(
    () => (imageJob === null || historyAndSaves.some((job) => job.id === imageJob.id) ? historyAndSaves : [...historyAndSaves, imageJob]),
    [historyAndSaves, imageJob],
  );
  // A photo a job of this identity could not use is not sent again: its tile says why.
  const unusable = unusablePhotos([...paneJobs, ...jobs]);
  const uploads = useReferenceUploads(config, unusable);
  const draft = useDraft(config, identityId);
  const editing = useEditSettings(draft, uploads, identityId);
  const promptBox = useRef<HTMLTextAreaElement>(null);

  // The photos the identity's newest generation that kept any kept: a form with none offers them.
  const lastKept = jobs.find((job) => job.prepared_references.length > 0) ?? null;
  const currentJobId = currentImageJobId(identity, subject.identityReadAt, [...paneJobs, ...readJobs]);
  const online = useOnline();
  // The identities too: a read of them that failed once they were read is said with the rest.
  const lostContact = lostContactOf(online, [...shown.polls, subject.identitiesRead]);
  const outOfTouch = sessionEnded || lostContact !== null;
  const results = useRef<HTMLElement>(null);
  // The identity's image's generation, when the history read holds it: "Current" under the
  // image takes the admin to its row or tile (which one it was, and when it was saved).
  const historyCard = useRef<HTMLDivElement>(null);
  const currentRead =
    currentJobId !== null &&
    (jobs.some((job) => job.id === currentJobId) || (historyView === "saved" && (savesJobs ?? []).some((job) => job.id === currentJobId)));
  const showCurrent = useCallback(() => {
    const item = currentJobId === null ? null : jobItem(historyCard.current, currentJobId);
    if (item) takeAdminTo(item, { centred: true });
  }, [currentJobId]);
  const actions = useJobActions({
    identityId,
    userId,
    photos: uploads.items,
    paneIds: shown.paneIds,
    showStarted: (jobs) => shown.showStarted(jobs, identity?.name ?? "an identity"),
    resultPane: results,
  });
  // Back to the history row a re-run or refinement was asked from: the pane took the admin up
  // to its new card, from pages down the history (and the row is found again there, or, gone
  // from the view shown, the history's top).
  const backToHistory = () => {
    const item = actions.cameFrom === null ? null : jobItem(historyCard.current, actions.cameFrom);
    if (item) takeAdminTo(item, { centred: true });
    else historyCard.current?.scrollIntoView?.({ block: "start" });
    actions.forgetCameFrom();
  };
  const compare = useCompare({
    identityId,
    currentJobId,
    hasImage: identity !== null && identityImageUrl(identity) !== null,
    paneJobs,
    jobsById: new Map([...readJobs, ...paneJobs].map((job) => [job.id, job])),
  });
  // How the history read names each job, once a read: its rows and tiles, the pane's cards'
  // origins and Undo's tooltip name a job alike. The saves older than the pages read too: the
  // Saved view's two saves of one minute are told apart to the second, as in the list.
  const names = useMemo(() => historyNames(readJobs), [readJobs]);
  // Every Save goes through it: the newest one's Undo is offered where it was pressed (from
  // Compare, where the admin comes back to once it closes).
  const undoSave = useUndoSave({
    identityId,
    currentJobId,
    jobs: [...paneJobs, ...readJobs],
    askedAt: names.askedAt,
    savingIds: actions.savingIds,
    save: actions.save,
    compareFrom: compare.openedFrom,
    paneIds: shown.paneIds,
  });
  const undoAt = (place: ActionPlace) => (job: Job) => undoSave.offerOf(job, place);
  // Said where it was asked: on a card, a history row, or in the Compare dialog; once that
  // closed (its save failed as it closed, or after), where the admin comes back to: the job's
  // card when the pane shows it, else its history row (as its Undo goes: `useUndoSave`).
  const shownAt = ({ place, jobId }: { place: ActionPlace; jobId: string }): ActionPlace =>
    place !== "compare" || compare.openedFrom !== null ? place : shown.paneIds.includes(jobId) ? "pane" : "history";
  const actionErrorsAt = (place: ActionPlace) => actions.actionErrors.filter((error) => shownAt(error) === place);
  const actionErrorAt = (place: ActionPlace) => actionErrorsAt(place).at(-1) ?? null;

  const whyNot = whyGenerateIsOff({
    sessionEnded,
    online,
    hasNoIdentities: subject.hasNoIdentities,
    identitiesUnreadable: subject.identitiesUnreadable !== null,
    identityChosen: identityId !== null && userId !== null,
    photos: uploads.keys.length,
    uploading: uploads.busy,
    notUploaded: uploads.notUploaded,
    lost: uploads.lost,
    promptTooLong: draft.promptTooLong,
    promptMaxChars: config.promptMaxChars,
  });
  // What a Generate would send now (for the identity on screen and its user).
  const asked: CreateVariantsRequest | null =
    identityId === null || userId === null
      ? null
      : {
          identity_id: identityId,
          user_id: userId,
          reference_keys: uploads.keys,
          reference_names: uploads.names,
          prompt: draft.prompt,
          aspect_ratio: draft.aspectRatio,
          image_size: draft.imageSize,
          count: draft.variants,
          apply: false,
        };
  // Called by the form only when nothing is in the way (`whyNot` is null): the identity's
  // check is for the types.
  const generate = () => {
    if (asked === null) return;
    editing.done();
    undoSave.forget();
    actions.generate(asked);
  };
  // The pane's click, still on its way, that a Generate now would start again (see `ComposeForm`).
  const sameClick = asked !== null && whyNot === null ? sameClickOnItsWay(paneJobs, asked) : null;
  // Its notice at the form's top comes into view as it is said (see ComposeForm): from the
  // history far below, not from a card beside the form already in view.
  const editSettings = (job: Job) => {
    editing.take(job);
    promptBox.current?.focus({ preventScroll: true });
  };
  const followUps: FollowUps = {
    onRefine: actions.refine,
    onRerun: actions.rerun,
    onRerunEach: actions.rerunEach,
    rerunningIds: actions.rerunningIds,
    onEditSettings: editSettings,
    onCompare: compare.fromCard,
    compares: compare.comparesOnCard,
    busy: actions.starting,
    withoutIt: {
      // Of the identity on screen, whose user's photos the form holds.
      of: (job) => (job.identity_id === identityId && userId !== null ? withoutIt(job, unusable) : null),
      generate: (job, without) => {
        if (userId === null) return;
        uploads.removeStored(without.photo.key);
        undoSave.forget();
        actions.generateFrom(job, clickWithout(job, without, userId, draft.asOffered(draftOf(job))));
      },
    },
  };

  const changes = useSubjectChanges({ subject, uploads, shown, resultPane: results });
  const usualAt = useCallback((size: ImageSize) => usualSeconds(history.data ?? [], size), [history.data]);

  return (
    // Its notices after the selects: a Show is one Tab from the select the admin left it by.
    <Frame notices={null}>
      <WhoseImage
        userId={userId}
        identityId={identityId}
        unreadable={subject.identitiesUnreadable}
        onChooseUser={changes.chooseUser}
        onChooseIdentity={changes.chooseIdentity}
        onShowCurrent={currentRead ? showCurrent : null}
      />
      <PageNotices>
        {lostContact && !sessionEnded && <LostContact why={lostContact} />}
        <JobsElsewhere clicks={elsewhere.filter((click) => !click.sameIdentity)} label="Generations elsewhere" {...changes.watched} />
      </PageNotices>

      <div className={styles.columns}>
        <ComposeForm
          promptRef={promptBox}
          config={config}
          uploads={uploads}
          draft={draft}
          editing={editing}
          noIdentities={subject.hasNoIdentities}
          whyNot={whyNot}
          starting={actions.starting}
          onGenerate={generate}
          sameClick={sameClick}
          error={actions.formError}
          usualSecondsAt={usualAt}
          focusPrompt={() => promptBox.current?.focus()}
          clickJobs={paneJobs}
          earlierPhotos={lastKept && { count: lastKept.prepared_references.length, take: () => uploads.takeFrom(lastKept) }}
          photosSharedBy={sharedBy}
          userId={userId}
          askedAt={names.askedAt}
        />

        <ResultPane
          ref={results}
          identity={identity}
          jobs={paneJobs}
          failures={actionErrorsAt("pane")}
          earlierClicks={
            <JobsElsewhere
              clicks={elsewhere.filter((click) => click.sameIdentity)}
              label="Earlier generations"
              onScreen={paneJobs[0]}
              {...changes.watched}
            />
          }
          noIdentities={subject.hasNoIdentities}
          reading={shown.paneReading}
          unreadable={shown.historyUnreadable !== null}
          photosPutAsideOf={changes.photosPutAsideByShow}
          onBackToHistory={actions.cameFrom === null ? null : backToHistory}
          usualSecondsAt={usualAt}
          currentJobId={currentJobId}
          onSave={(job) => undoSave.save(job, "pane")}
          savingIds={actions.savingIds}
          undoOf={undoAt("pane")}
          onCancel={actions.cancel}
          cancelingIds={actions.cancelingIds}
          followUps={followUps}
          originOf={names.originOf}
          outOfTouch={outOfTouch}
        />
      </div>

      <div ref={historyCard} className={ui.card}>
        <GenerationHistory
          jobs={historyJobs}
          names={names}
          older={olderPages(history)}
          view={historyView}
          onView={setHistoryView}
          saves={saves}
          loading={identityId !== null && history.isPending && shown.historyUnreadable === null}
          error={sessionEnded ? null : shown.historyUnreadable}
          identity={identity}
          noIdentities={subject.hasNoIdentities}
          currentJobId={currentJobId}
          actionError={actionErrorAt("history")}
          onRerun={(job) => actions.rerun(job, "history")}
          onRerunAll={(job, count) => actions.rerun(job, "history", count)}
          onRefine={(job, words) => actions.refine(job, words, "history")}
          onSave={(job) => undoSave.save(job, "history")}
          onCancel={(job) => actions.cancel(job, "history")}
          cancelingIds={actions.cancelingIds}
          savingIds={actions.savingIds}
          undoOf={undoAt("history")}
          onEditSettings={editSettings}
          onCompare={compare.fromHistory}
          compares={compare.comparesInHistory}
          busy={actions.starting}
          outOfTouch={outOfTouch}
        />
      </div>
      {compare.candidates.length > 0 && identity && (
        <CompareDialog
          title={compare.title}
          about={compare.about}
          candidates={compare.candidates}
          identity={identity}
          currentJobId={currentJobId}
          onSave={(job) => {
            undoSave.save(job, "compare");
            compare.saving(job);
          }}
          savingIds={actions.savingIds}
          undoOf={undoAt("compare")}
          failure={actionErrorAt("compare")}
          onClose={compare.close}
        />
      )}
    </Frame>
  );
}

/** Whose photos the form holds, when that user has more than one identity (each uses them:
 * a new admin took them for the identity's own); else null. */
function photosSharedBy(users: HostUser[], userId: string | null, identities: number): PhotosSharedBy | null {
  const owner = users.find((user) => user.id === userId);
  return owner && identities > 1 ? { name: userName(owner), identities } : null;
}
