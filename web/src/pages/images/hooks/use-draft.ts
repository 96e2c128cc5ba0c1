/**
 * The next generation's settings as the admin sets them: prompt, aspect ratio, size and
 * number of variants, kept across reloads, always one of the choices the API offers now
 * (a stored value it no longer offers reads as its default).
 */
import { useCallback } from "react";

import type { AspectRatio, ImageSize, Job } from "../../../api/imageGeneration";
import type { TabConfig } from "../config";
import { isNumber, isString, useSessionState } from "./use-session-state";

export function useDraft(config: TabConfig) {
  const [prompt, setPrompt] = useSessionState("prompt", "", isString);
  const [storedRatio, setAspectRatio] = useSessionState<string>("aspectRatio", config.defaultAspectRatio, isString);
  const [storedSize, setImageSize] = useSessionState<string>("imageSize", config.defaultImageSize, isString);
  const [storedVariants, setVariants] = useSessionState("variants", 1, isNumber);
  const aspectRatio: AspectRatio =
    config.aspectRatios.find((ratio) => ratio === storedRatio) ?? config.defaultAspectRatio;
  const imageSize: ImageSize = config.imageSizes.find((size) => size === storedSize) ?? config.defaultImageSize;
  const variants = Math.min(Math.max(1, Math.round(storedVariants)), config.maxVariants);

  /** A past job's settings, to change and run again. */
  const takeFrom = useCallback(
    (job: Job) => {
      setPrompt(job.prompt);
      setAspectRatio(job.aspect_ratio);
      setImageSize(job.image_size);
      setVariants(job.batch_size ?? 1);
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
    takeFrom,
  };
}
