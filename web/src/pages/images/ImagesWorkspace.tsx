import { onlineManager } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type KeyboardEvent } from "react";

import { ApiError, type AspectRatio, type ImageSize, type Job } from "../../api/imageGeneration";
import { CompareDialog } from "./components/CompareDialog";
import { EditSettingsNotice } from "./components/EditSettingsNotice";
import { GenerateBar } from "./components/GenerateBar";
import type { FollowUps } from "./components/GeneratedImageDisplay";
import { GenerationHistory } from "./components/GenerationHistory";
import { IdentitySelector } from "./components/IdentitySelector";
import { OptionSelect } from "./components/OptionSelect";
import { PromptField } from "./components/PromptField";
import { ReferenceImageUpload } from "./components/ReferenceImageUpload";
import { ResultPane } from "./components/ResultPane";
import { UserSelector } from "./components/UserSelector";
import { estimateCostUsd, type TabConfig } from "./config";
import { useCompare } from "./hooks/use-compare";
import { useDraft } from "./hooks/use-draft";
import { useEditSettings } from "./hooks/use-edit-settings";
import {
  isMoving,
  useApply,
  useCancel,
  useStartBatch,
  type StartRequest,
} from "./hooks/use-image-generation";
import { useReferenceUploads, type ReferenceItem } from "./hooks/use-reference-uploads";
import { useShownJobs } from "./hooks/use-shown-jobs";
import { useSubject } from "./hooks/use-subject";
import { useTabConfig } from "./hooks/use-tab-config";
import { currentImageJobId, identityImageUrl, originLabel, usualSeconds } from "./jobView";
import ui from "./ui.module.css";
import styles from "./ImagesWorkspace.module.css";

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

const PHOTOS_OF_ANOTHER_USER =
  "The previous user's photos were put aside (another person's face must not make this image); they come back when you choose that user again.";

const OFFLINE = "This browser is offline.";

const NOT_STARTED = "Nothing was started: the image service could not be reached. Try again once the connection is back.";

function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return "Something went wrong; try again.";
}

/** Why a click started nothing, in words about the click (so they stay true once the
 * connection is back) and about the photo, by its name, when one is gone. */
function startError(error: unknown, photos: readonly ReferenceItem[]): string | null {
  if (!(error instanceof ApiError)) return shownError(error);
  if (error.code === "unreachable") return NOT_STARTED;
  const gone = error.code === "reference_not_found" && photos.find((photo) => photo.key === error.details.key);
  if (gone) return `“${gone.name}” is no longer stored (uploads are kept for a limited time): remove it and add the photo again.`;
  return shownError(error);
}

/** An error worth showing where it happened: an ended session has its one notice above the page. */
function shownError(error: unknown): string | null {
  return error instanceof ApiError && error.status === 401 ? null : messageOf(error);
}

/** Whether the browser says it is online (TanStack pauses its queries while it is not). */
function useOnline(): boolean {
  return useSyncExternalStore(
    (notify) => onlineManager.subscribe(notify),
    () => onlineManager.isOnline(),
  );
}

/** The page once its settings are read. While the session has ended, the notice above it says
 * so once: no "try again" that cannot help. */
export function ImagesWorkspace({ sessionEnded = false }: { sessionEnded?: boolean }) {
  const config = useTabConfig();
  if (config.isError) {
    if (sessionEnded) return null;
    return (
      <div role="alert" className={`${ui.alert} ${styles.loadError}`}>
        <span>Could not load the image settings. {messageOf(config.error)}</span>
        <button type="button" className={ui.button} onClick={() => void config.refetch()} disabled={config.isFetching}>
          Try again
        </button>
      </div>
    );
  }
  if (!config.data) {
    return (
      <p className={ui.muted} role="status">
        Loading…
      </p>
    );
  }
  return <Workspace config={config.data} sessionEnded={sessionEnded} />;
}

function Workspace({ config, sessionEnded }: { config: TabConfig; sessionEnded: boolean }) {
  const subject = useSubject();
  const { userId, identity, identityId } = subject;

  const uploads = useReferenceUploads(config);
  const draft = useDraft(config);
  const { prompt, aspectRatio, imageSize, variants } = draft;
  const editing = useEditSettings(draft, uploads);

  const { history, paneJobs, paneIds, historyJobs, polls, showStarted } = useShownJobs(identityId);
  const anyMoving = paneJobs.some(isMoving) || (historyJobs ?? []).some(isMoving);
  // The clock stops with the polls when the session ends: a card's time would only grow stale.
  const now = useNow(anyMoving && !sessionEnded);
  const currentJobId = currentImageJobId(identity, subject.identityReadAt, [...paneJobs, ...(history.data ?? [])]);
  // A poll that failed, or the browser offline (TanStack then waits, and fails nothing), while
  // the page still shows what it read before: say so.
  const online = useOnline();
  const pollFailed = polls.find((query) => query.isRefetchError)?.error ?? null;
  const lostContact = online ? pollFailed && messageOf(pollFailed) : OFFLINE;

  const create = useStartBatch();
  const apply = useApply();
  const cancel = useCancel();
  const [formError, setFormError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const results = useRef<HTMLElement>(null);
  const form = useRef<HTMLElement>(null);
  const promptBox = useRef<HTMLTextAreaElement>(null);

  const whyNot = sessionEnded
    ? "Log in again to go on."
    : !online
      ? OFFLINE
      : subject.hasNoIdentities
        ? "This user has no identities; choose another user."
        : identityId === null || userId === null
          ? "Choose an identity."
          : uploads.keys.length === 0
            ? "Add at least one reference photo."
            : uploads.busy
              ? "Waiting for the photos to upload…"
              : draft.promptTooLong
                ? `The prompt is over ${config.promptMaxChars} characters.`
                : null;
  const canGenerate = whyNot === null && !create.isPending;

  // A click in the history answers in the result pane (brought into view, its first new card
  // taking the focus), the form's own click under the form.
  const focusCardOf = useRef<string | null>(null);
  useEffect(() => {
    const id = focusCardOf.current;
    const card = results.current?.querySelector<HTMLElement>("article");
    if (id === null || paneIds[0] !== id || !card) return;
    focusCardOf.current = null;
    card.focus({ preventScroll: true });
  });
  const photos = uploads.items;
  const start = useCallback(
    async (request: StartRequest) => {
      const fromHistory = request.kind !== "generate";
      const showError = fromHistory ? setActionError : setFormError;
      showError(null);
      try {
        const batch = await create.mutateAsync({ request, idempotencyKey: crypto.randomUUID() });
        const first = batch.items[0];
        showStarted(batch.items);
        if (first && fromHistory) focusCardOf.current = first.id;
      } catch (error) {
        showError(startError(error, photos));
        if (!fromHistory) return;
      }
      // Where the new jobs show: beside the form on a wide screen, below it on a phone.
      results.current?.scrollIntoView?.({ behavior: "smooth", block: "nearest" });
    },
    [create, photos, showStarted],
  );

  const { done: doneEditing } = editing;
  const generate = useCallback(() => {
    if (!canGenerate || identityId === null || userId === null) return;
    doneEditing();
    void start({
      kind: "generate",
      body: {
        identity_id: identityId,
        user_id: userId,
        reference_keys: uploads.keys,
        reference_names: uploads.names,
        prompt,
        aspect_ratio: aspectRatio,
        image_size: imageSize,
        count: variants,
        apply: false,
      },
    });
  }, [canGenerate, identityId, userId, uploads.keys, uploads.names, prompt, aspectRatio, imageSize, variants, start, doneEditing]);

  const rerun = useCallback((job: Job) => void start({ kind: "rerun", parent: job, count: 1 }), [start]);
  const refine = useCallback(
    (job: Job, instruction: string) => void start({ kind: "refine", parent: job, instruction, count: 1 }),
    [start],
  );
  const { take } = editing;
  const editSettings = useCallback(
    (job: Job) => {
      take(job);
      form.current?.scrollIntoView?.({ behavior: "smooth", block: "start" });
      promptBox.current?.focus({ preventScroll: true });
    },
    [take],
  );
  const settle = useMemo(
    () => ({ onSuccess: () => setActionError(null), onError: (error: Error) => setActionError(shownError(error)) }),
    [],
  );
  const cancelJob = useCallback((job: Job) => cancel.mutate(job.id, settle), [cancel, settle]);
  const { mutate: requestApply } = apply;
  const save = useCallback((job: Job) => requestApply(job.id, settle), [requestApply, settle]);
  const compare = useCompare({
    identityId,
    hasImage: identity !== null && identityImageUrl(identity) !== null,
    paneJobs,
    jobsById: new Map([...(historyJobs ?? []), ...paneJobs].map((job) => [job.id, job])),
  });
  const followUps: FollowUps = {
    onRefine: refine,
    onRerun: rerun,
    onEditSettings: editSettings,
    onCompare: compare.fromCard,
    busy: create.isPending,
  };

  // Another user is another person: their photos must not make this one's image. They are
  // put aside, not lost (a keyboard user arrowing through the users passes others on the way).
  const { switchUser } = uploads;
  const { chooseUser: pickUser } = subject;
  const chooseUser = useCallback(
    (id: string) => {
      if (id !== userId) switchUser(userId, id, PHOTOS_OF_ANOTHER_USER);
      pickUser(id);
    },
    [userId, switchUser, pickUser],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      generate();
    }
  };

  const variantCounts = useMemo(
    () => Array.from({ length: config.maxVariants }, (_, i) => i + 1),
    [config.maxVariants],
  );
  const usual = usualSeconds(history.data ?? [], imageSize);
  const usualAt = useCallback((size: ImageSize) => usualSeconds(history.data ?? [], size), [history.data]);

  return (
    <div className={styles.layout}>
      <header className={styles.top}>
        <div>
          <h1 className={styles.title}>Images</h1>
          <p className={styles.subtitle}>Generate an identity's image from reference photos with {config.model}.</p>
        </div>
      </header>

      {lostContact && !sessionEnded && (
        <p role="alert" className={ui.alert}>
          {lostContact} The page keeps trying; what you see may be out of date.
        </p>
      )}

      <section className={`${ui.card} ${styles.pickers}`} aria-label="Whose image">
        <UserSelector value={userId} onChange={chooseUser} />
        <IdentitySelector userId={userId} value={identityId} onChange={subject.chooseIdentity} />
      </section>

      <div className={styles.columns}>
        {/* Ctrl+Enter generates from anywhere in the form (and only there: not from a dialog or
            the history); every control inside stays usable. */}
        {/* eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions */}
        <section
          ref={form}
          className={`${ui.card} ${styles.compose}`}
          aria-label="New generation"
          onKeyDown={onKeyDown}
        >
          {editing.taken && (
            <EditSettingsNotice
              job={editing.taken.job}
              photos={editing.taken.photos?.length ?? null}
              onUndo={editing.undo}
              onClose={editing.done}
              focusAfter={() => promptBox.current?.focus()}
            />
          )}
          <ReferenceImageUpload config={config} uploads={uploads} disabled={subject.hasNoIdentities} />

          <PromptField ref={promptBox} value={prompt} maxChars={config.promptMaxChars} onChange={draft.setPrompt} />

          <div className={styles.options}>
            <OptionSelect<AspectRatio>
              label="Aspect ratio"
              value={aspectRatio}
              options={config.aspectRatios}
              onChange={draft.setAspectRatio}
            />
            <OptionSelect<ImageSize> label="Size" value={imageSize} options={config.imageSizes} onChange={draft.setImageSize} />
            <OptionSelect label="Variants" value={variants} options={variantCounts} onChange={draft.setVariants} />
          </div>

          <GenerateBar
            onGenerate={generate}
            whyNot={whyNot}
            pending={create.isPending}
            costUsd={estimateCostUsd(config, imageSize, variants, uploads.keys.length)}
            variants={variants}
            imageSize={imageSize}
            usualSeconds={usual}
          />
          {formError && (
            <p role="alert" className={ui.alert}>
              {formError}
            </p>
          )}
        </section>

        <ResultPane
          ref={results}
          identity={identity}
          jobs={paneJobs}
          error={actionError}
          noIdentities={subject.hasNoIdentities}
          now={now}
          usualSecondsAt={usualAt}
          currentJobId={currentJobId}
          onSave={save}
          savingId={apply.isPending ? (apply.variables ?? null) : null}
          onCancel={cancelJob}
          canCancel={!cancel.isPending}
          followUps={followUps}
          originOf={(job) => originLabel(job, historyJobs ?? [])}
          outOfTouch={sessionEnded || lostContact !== null}
        />
      </div>

      <div className={ui.card}>
        <GenerationHistory
          jobs={historyJobs}
          older={
            history.hasNextPage
              ? { load: () => void history.fetchNextPage(), loading: history.isFetchingNextPage }
              : null
          }
          loading={identityId !== null && history.isPending}
          error={history.isRefetchError || sessionEnded ? null : history.error}
          identity={identity}
          noIdentities={subject.hasNoIdentities}
          currentJobId={currentJobId}
          now={now}
          onRerun={rerun}
          onRefine={refine}
          onSave={save}
          onCancel={cancel.isPending ? null : cancelJob}
          onUseSettings={editSettings}
          onCompare={compare.fromHistory}
          busy={create.isPending}
        />
      </div>
      {compare.candidates.length > 0 && identity && (
        <CompareDialog
          title={compare.title}
          candidates={compare.candidates}
          identity={identity}
          currentJobId={currentJobId}
          onSave={(job) => {
            save(job);
            // One result beside the current image: saved, there is nothing left to choose.
            // Several stay side by side, the saved one becoming "current" among them.
            if (compare.candidates.length === 1) compare.close();
          }}
          onClose={compare.close}
        />
      )}
    </div>
  );
}
