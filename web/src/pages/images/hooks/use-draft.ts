/**
 * The next generation's settings as the admin sets them: prompt, aspect ratio, size and
 * number of variants, kept across reloads (the options, in a new tab too), always one of the
 * choices the API offers now (a stored value it no longer offers reads as its default).
 *
 * The prompt is the identity's: it says what this identity's image shows ("at a grand piano"
 * is the pianist's), so each identity keeps its own, and another identity's never waits in
 * the form for a Generate. The options are the admin's habit, the same for every identity.
 */
import { useCallback, useMemo } from "react";

import type { Job } from "../../../api/imageGeneration";
import type { TabConfig } from "../config";
import { isNumber, isString, isStringRecord, useSessionState } from "./use-session-state";

/** The draft's values, as a past job had them or as the form had them before it took a job's. */
export interface DraftValues {
  prompt: string;
  aspectRatio: string;
  imageSize: string;
  variants: number;
}

export const draftOf = (job: Job): DraftValues => ({
  prompt: job.prompt,
  aspectRatio: job.aspect_ratio,
  imageSize: job.image_size,
  variants: job.batch_size ?? 1,
});

export const sameDraft = (a: DraftValues, b: DraftValues): boolean =>
  a.prompt === b.prompt && a.aspectRatio === b.aspectRatio && a.imageSize === b.imageSize && a.variants === b.variants;

/** `values` as the form can hold them now: a ratio or a size the API no longer offers reads
 * as its default, and the variants stay within 1 and the most the API takes. */
export function offered(values: DraftValues, config: TabConfig) {
  return {
    prompt: values.prompt,
    aspectRatio: config.aspectRatios.find((ratio) => ratio === values.aspectRatio) ?? config.defaultAspectRatio,
    imageSize: config.imageSizes.find((size) => size === values.imageSize) ?? config.defaultImageSize,
    variants: Math.min(Math.max(1, Math.round(values.variants)), config.maxVariants),
  } satisfies DraftValues;
}

/** Each identity's prompt, by identity id; an empty one is left out. */
type Prompts = Record<string, string>;

export function useDraft(config: TabConfig, identityId: string | null) {
  const [prompts, setPrompts] = useSessionState<Prompts>("prompts", {}, isStringRecord);
  // No identity chosen (its list still on its way, or a user with none): no prompt, and none
  // can be written (the field is read-only), as no photo can be added.
  const prompt = identityId === null ? "" : (prompts[identityId] ?? "");
  const setPrompt = useCallback(
    (next: string) => {
      if (identityId === null) return;
      setPrompts((all) => {
        const others = Object.fromEntries(Object.entries(all).filter(([identity]) => identity !== identityId));
        return next === "" ? others : { ...others, [identityId]: next };
      });
    },
    [identityId, setPrompts],
  );
  // The options are the admin's habit: a new tab starts from the last ones (the prompt is
  // this tab's work, and starts empty).
  const [storedRatio, setAspectRatio] = useSessionState<string>(
    "aspectRatio",
    config.defaultAspectRatio,
    isString,
    "browser",
  );
  const [storedSize, setImageSize] = useSessionState<string>("imageSize", config.defaultImageSize, isString, "browser");
  const [storedVariants, setVariants] = useSessionState("variants", 1, isNumber, "browser");
  const values = useMemo(
    () => offered({ prompt, aspectRatio: storedRatio, imageSize: storedSize, variants: storedVariants }, config),
    [prompt, storedRatio, storedSize, storedVariants, config],
  );
  const { aspectRatio, imageSize, variants } = values;
  /** `values` as the form would hold them (see `offered`). */
  const asOffered = useCallback((next: DraftValues) => offered(next, config), [config]);
  /** All four at once: a past job's settings (`draftOf`), or the form's own back. */
  const put = useCallback(
    (next: DraftValues) => {
      setPrompt(next.prompt);
      setAspectRatio(next.aspectRatio);
      setImageSize(next.imageSize);
      setVariants(next.variants);
    },
    [setPrompt, setAspectRatio, setImageSize, setVariants],
  );

  return {
    /** Whether there is an identity whose prompt the form holds (else the field is read-only). */
    forIdentity: identityId !== null,
    prompt,
    setPrompt,
    aspectRatio,
    setAspectRatio,
    imageSize,
    setImageSize,
    variants,
    setVariants,
    promptTooLong: prompt.length > config.promptMaxChars,
    values,
    put,
    asOffered,
  };
}
