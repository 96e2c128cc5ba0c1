/**
 * The next generation's settings as the admin sets them: prompt, aspect ratio, size and
 * number of variants, kept across reloads (the options, in a new tab too), always one of the
 * choices the API offers now (a stored value it no longer offers reads as its default).
 */
import { useCallback, useMemo } from "react";

import type { AspectRatio, ImageSize, Job } from "../../../api/imageGeneration";
import type { TabConfig } from "../config";
import { isNumber, isString, useSessionState } from "./use-session-state";

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

export function useDraft(config: TabConfig) {
  const [prompt, setPrompt] = useSessionState("prompt", "", isString);
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
  const aspectRatio: AspectRatio =
    config.aspectRatios.find((ratio) => ratio === storedRatio) ?? config.defaultAspectRatio;
  const imageSize: ImageSize = config.imageSizes.find((size) => size === storedSize) ?? config.defaultImageSize;
  const variants = Math.min(Math.max(1, Math.round(storedVariants)), config.maxVariants);

  const values = useMemo<DraftValues>(
    () => ({ prompt, aspectRatio, imageSize, variants }),
    [prompt, aspectRatio, imageSize, variants],
  );
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
  };
}
