import { useEffect, useId, useRef, useState, type KeyboardEvent, type Ref } from "react";

import type { AspectRatio, ImageSize, Job } from "../../../api/imageGeneration";
import { estimateCostUsd, type TabConfig } from "../config";
import type { useDraft } from "../hooks/use-draft";
import type { useEditSettings } from "../hooks/use-edit-settings";
import { useHiddenUnder } from "../hooks/use-hidden-under";
import { useSeenWhenSaid } from "../hooks/use-seen-when-said";
import type { ReferenceUploads } from "../hooks/use-reference-uploads";
import { bringOutFrom, isBehind, keepClearOf } from "../motion";
import { differently } from "../said";
import { alreadyOnItsWay, type SameClick } from "../sameClick";
import { ratioLabel } from "../shape";
import ui from "../ui.module.css";
import { EditSettingsNotice } from "./EditSettingsNotice";
import { GenerateBar } from "./GenerateBar";
import { OptionSelect } from "./OptionSelect";
import { PromptField } from "./PromptField";
import { ReferenceImageUpload, type EarlierPhotos, type PhotosSharedBy } from "./ReferenceImageUpload";
import styles from "./ComposeForm.module.css";

interface Props {
  promptRef?: Ref<HTMLTextAreaElement>;
  config: TabConfig;
  uploads: ReferenceUploads;
  draft: ReturnType<typeof useDraft>;
  editing: ReturnType<typeof useEditSettings>;
  /** The user chosen has no identities: no photo can be added for them. */
  noIdentities: boolean;
  /** Why Generate is off, in words; null when it is on (see `whyGenerateIsOff`). */
  whyNot: string | null;
  /** A start is out. */
  starting: boolean;
  onGenerate: () => void;
  /** The pane's click, still on its way, that a Generate now would start again: asked the same
   * (see `sameClickOnItsWay`); null when a Generate would start another. */
  sameClick?: SameClick | null;
  /** Why the last Generate started nothing (a new one each time it is said); with `prompt`,
   * the API refused that prompt: said beside the prompt while the box holds it. */
  error: { message: string; prompt?: string } | null;
  /** The usual time of a job at a size, from the history, or null. */
  usualSecondsAt: (imageSize: ImageSize) => number | null;
  /** Gives the focus back to the prompt (after the Edit settings notice goes). */
  focusPrompt: () => void;
  /** The jobs of the click in the result pane (see `GenerateBar`). */
  clickJobs?: readonly Job[];
  /** The photos the identity's last generation kept (see `ReferenceImageUpload`). */
  earlierPhotos?: EarlierPhotos | null;
  /** Whose photos these are, shared by their identities (see `ReferenceImageUpload`). */
  photosSharedBy?: PhotosSharedBy | null;
  /** The user whose photos the form holds: another's form says nothing of this one's adds. */
  userId?: string | null;
  /** A job's time as its history row says it (see `askedPhrases`): the Edit settings notice
   * names the generation it took from alike, to the second when another shares its minute. */
  askedAt?: (job: Job) => string;
}

/** The new generation: photos, prompt, options, and Generate with its cost and usual time. */
export function ComposeForm({
  promptRef,
  config,
  uploads,
  draft,
  editing,
  noIdentities,
  whyNot,
  starting,
  onGenerate,
  sameClick = null,
  error,
  usualSecondsAt,
  focusPrompt,
  clickJobs = [],
  earlierPhotos = null,
  photosSharedBy = null,
  userId = null,
  askedAt,
}: Props) {
  const { prompt, aspectRatio, imageSize, variants } = draft;
  // The API refused the prompt: said beside it, as its other problems are, until it changes.
  const aboutPrompt = error?.prompt !== undefined;
  const promptProblem = aboutPrompt && error.prompt === prompt ? error.message : null;
  const formError = aboutPrompt ? null : error;
  // What a click did, said in the form: seen as it is said, wherever the click was (Generate
  // at the window's bottom edge, Ctrl+Enter in the prompt, Edit settings in the history).
  const errorNotice = useSeenWhenSaid<HTMLParagraphElement>(formError);
  const editNotice = useSeenWhenSaid<HTMLDivElement>(editing.taken);
  const editNoticeId = useId();
  const generateBar = useRef<HTMLDivElement>(null);
  const form = useRef<HTMLElement>(null);
  // The notice Edit settings puts at the form's top pushes down the prompt, focused before the
  // notice came: out from under the bar again, once the notice is in view (the effect above).
  useEffect(() => {
    const focused = document.activeElement;
    if (editing.taken && focused instanceof HTMLElement && form.current?.contains(focused)) {
      bringOutFrom(generateBar.current, focused);
    }
  }, [editing.taken]);
  // Said under the prompt, it is brought out from under the Generate bar as it is said (once:
  // not again when the admin comes back to its user).
  const promptField = useRef<HTMLDivElement>(null);
  const promptSaid = useRef<object | null>(null);
  useEffect(() => {
    if (!aboutPrompt || error === promptSaid.current) return;
    promptSaid.current = error;
    if (promptField.current) bringOutFrom(generateBar.current, promptField.current);
  }, [aboutPrompt, error]);
  // Under the bar (a 768 px tall laptop's first screen with photos in), the prompt is named on
  // the bar: what a press sends is seen where it is pressed, and one press brings it out.
  const promptHidden = useHiddenUnder(generateBar, promptField, form);
  const showPrompt = () => {
    if (promptField.current) bringOutFrom(generateBar.current, promptField.current);
    focusPrompt();
  };
  const options = useRef<HTMLDivElement>(null);
  // Partly behind the bar, the options are hidden whole (see the CSS): cut there, their labels
  // stood over the tops of empty boxes (a 1280 by 720 laptop). The bar names them.
  const optionsBehind = useHiddenUnder(generateBar, options, form, isBehind);
  const showOptions = () => {
    const row = options.current;
    if (!row) return;
    bringOutFrom(generateBar.current, row);
    row.querySelector("select")?.focus(); // the first of them, Aspect ratio
  };
  const variantCounts = Array.from({ length: config.maxVariants }, (_, i) => i + 1);
  // Taken, the photos are in: the prompt is what comes next (the button goes). Focused once
  // their tiles are drawn, which push it down: the form's focus rule (`keepClearOf`, below)
  // then measures where it is, not where it was, and brings it out from under the bar.
  const takeEarlierPhotos = () => {
    earlierPhotos?.take();
    requestAnimationFrame(focusPrompt);
  };

  // Generate pressed while it is off (a click, Ctrl+Enter in the prompt) says why, as it is
  // pressed: the reason under the bar is seen, and read with the button's description, not
  // heard from the prompt. Said until the reason changes: coming back later, it is not said
  // again unpressed.
  const [refusal, setRefusal] = useState({ said: "", whyNot });
  if (refusal.whyNot !== whyNot) setRefusal({ said: "", whyNot });
  // Generate pressed again while the click it started is on its way, the form unchanged
  // (`sameClick`): not started twice without a word. An impatient second press, the button on
  // again 2 s later, paid for four more images the pane then showed in place of the first
  // four. Held until the form changes or the click ends (its key is then another, or none);
  // what the admin is told is said once as it is pressed, the button's description after.
  const [held, setHeld] = useState<(SameClick & { said: string }) | null>(null);
  const heldNow = held !== null && held.key === sameClick?.key ? held : null;
  if (held !== null && heldNow === null) setHeld(null);
  // The one place a press of Generate (its click, Ctrl+Enter) is decided: nothing while the
  // last one is being sent, a generation when nothing is in the way and it would not start
  // the pane's click again, else why not.
  const press = () => {
    if (starting) return;
    if (whyNot !== null) setRefusal((last) => ({ said: differently(whyNot, last.said), whyNot }));
    else if (sameClick === null) onGenerate();
    else {
      const words = `${alreadyOnItsWay(sameClick.startedAt, Date.now())} Generate again starts it anyway.`;
      setHeld((last) => ({ ...sameClick, said: differently(words, last?.said ?? "") }));
    }
  };
  // Pressed knowing it is on its way: one more click, asked the same.
  const generateAgain = () => {
    setHeld(null);
    onGenerate();
  };

  // Ctrl+Enter (⌘+Enter on a Mac) generates from anywhere in the form, and only there: not
  // from a dialog or the history. Every control inside stays usable.
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      press();
    }
  };

  return (
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions -- Ctrl+Enter and the focus rule, delegated from the form's controls
    <section
      ref={form}
      className={`${ui.card} ${styles.form}`}
      aria-label="New generation"
      onKeyDown={onKeyDown}
      onFocus={(event) => keepClearOf(generateBar.current, event.target)}
    >
      {editing.taken && (
        <EditSettingsNotice
          ref={editNotice}
          textId={editNoticeId}
          job={editing.taken.job}
          photos={editing.photos}
          already={editing.taken.already}
          askedAt={askedAt}
          onUndo={editing.undo}
          onClose={editing.done}
          focusAfter={focusPrompt}
        />
      )}
      <ReferenceImageUpload
        userId={userId}
        config={config}
        uploads={uploads}
        noIdentities={noIdentities}
        earlier={earlierPhotos && { count: earlierPhotos.count, take: takeEarlierPhotos }}
        sharedBy={photosSharedBy}
        cover={generateBar}
      />

      {/* The form's end, which Generate may rise over (see ComposeForm.module.css). */}
      <div className={styles.end}>
        <PromptField
          ref={promptRef}
          value={prompt}
          maxChars={config.promptMaxChars}
          onChange={draft.setPrompt}
          describedBy={editing.taken ? editNoticeId : undefined}
          readOnly={!draft.forIdentity}
          problem={promptProblem}
          fieldRef={promptField}
        />

        <div ref={options} className={styles.options} data-behind={optionsBehind || undefined}>
          <OptionSelect<AspectRatio>
            label="Aspect ratio"
            value={aspectRatio}
            options={config.aspectRatios}
            labelOf={ratioLabel}
            onChange={draft.setAspectRatio}
          />
          <OptionSelect<ImageSize> label="Size" value={imageSize} options={config.imageSizes} onChange={draft.setImageSize} />
          <OptionSelect label="Variants" value={variants} options={variantCounts} onChange={draft.setVariants} />
        </div>

        {/* Generate, with what a click makes and costs: kept in view whatever the form holds
            above it, and clear of the page's notices. */}
        <div ref={generateBar} className={styles.generate}>
          {/* What runs under the bar fades into it while it is stuck (see the CSS). */}
          <span className={styles.fade} aria-hidden="true" />
          <GenerateBar
            onPress={press}
            whyNot={whyNot}
            pending={starting}
            costUsd={estimateCostUsd(config, imageSize, variants, uploads.keys.length)}
            variants={variants}
            imageSize={imageSize}
            aspectRatio={aspectRatio}
            usualSeconds={usualSecondsAt(imageSize)}
            clickJobs={clickJobs}
            onShowOptions={showOptions}
            hiddenPrompt={promptHidden && prompt.trim() !== "" ? { text: prompt, onShow: showPrompt } : null}
            again={heldNow && { startedAt: heldNow.startedAt, onPress: generateAgain }}
          />
          <p className={ui.visuallyHidden} role="status">
            {refusal.said || heldNow?.said}
          </p>
        </div>
      </div>
      {formError && (
        <p ref={errorNotice} role="alert" className={ui.alert}>
          {formError.message}
        </p>
      )}
    </section>
  );
}
