/**
 * The reference photos of the next generation: checked before anything is sent (type,
 * size, count), then uploaded straight to S3 with presigned POSTs, each with its progress
 * and a retry of its own.
 */
import { useCallback, useEffect, useRef, useState } from "react";

import { ApiError, uploadToS3, type UploadContentType } from "../../../api/imageGeneration";
import { contentTypeOf, describeAccepted, formatBytes, isHeic, type TabConfig } from "../config";
import { useApi } from "./use-image-generation";

export type ReferenceStatus = "invalid" | "uploading" | "uploaded" | "failed";

export interface ReferenceItem {
  id: string;
  name: string;
  size: number;
  file: File;
  contentType: string | null;
  /** An object URL the browser can show; null for HEIC (only Safari renders it). */
  thumbnailUrl: string | null;
  status: ReferenceStatus;
  progress: number;
  error: string | null;
  key: string | null;
}

let counter = 0;
const nextId = () => `ref-${Date.now().toString(36)}-${(counter += 1)}`;

function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return "The upload failed; retry.";
}

export function useReferenceUploads(config: TabConfig | undefined) {
  const api = useApi();
  const [items, setItems] = useState<ReferenceItem[]>([]);
  const itemsRef = useRef(items);
  useEffect(() => {
    itemsRef.current = items;
  }, [items]);
  const controllers = useRef(new Map<string, AbortController>());

  const patch = useCallback((id: string, change: Partial<ReferenceItem>) => {
    setItems((current) => current.map((item) => (item.id === id ? { ...item, ...change } : item)));
  }, []);

  const upload = useCallback(
    async (batch: ReferenceItem[]) => {
      if (batch.length === 0) return;
      let forms;
      try {
        const answer = await api.createUploads(
          batch.map((item) => ({
            content_type: item.contentType as UploadContentType,
            size: item.size,
            filename: item.name.slice(0, 255),
          })),
        );
        forms = answer.uploads;
      } catch (error) {
        for (const item of batch) patch(item.id, { status: "failed", error: errorText(error) });
        return;
      }
      await Promise.all(
        batch.map(async (item, index) => {
          const form = forms[index];
          if (!form) return;
          const controller = new AbortController();
          controllers.current.set(item.id, controller);
          try {
            await uploadToS3(form, item.file, (progress) => patch(item.id, { progress }), controller.signal);
            patch(item.id, { status: "uploaded", progress: 1, key: form.key, error: null });
          } catch (error) {
            if (!controller.signal.aborted) patch(item.id, { status: "failed", error: errorText(error) });
          } finally {
            controllers.current.delete(item.id);
          }
        }),
      );
    },
    [api, patch],
  );

  const add = useCallback(
    (files: File[]) => {
      if (!config || files.length === 0) return;
      let room = config.maxFiles - itemsRef.current.filter((i) => i.status !== "invalid").length;
      const added: ReferenceItem[] = files.map((file) => {
        const contentType = contentTypeOf(file, config);
        const heic = isHeic(file);
        const base = {
          id: nextId(),
          name: file.name || "pasted image",
          size: file.size,
          file,
          contentType,
          thumbnailUrl: null,
          progress: 0,
          key: null,
        };
        let error: string | null = null;
        if (!contentType) error = `Not an accepted image type (${describeAccepted(config)}).`;
        else if (file.size === 0) error = "The file is empty.";
        else if (file.size > config.maxBytes)
          error = `${formatBytes(file.size)} is over the ${formatBytes(config.maxBytes)} limit.`;
        else if (room <= 0) error = `Only ${config.maxFiles} photos per generation; remove one first.`;
        if (error) return { ...base, status: "invalid", error };
        room -= 1;
        const thumbnailUrl = heic ? null : URL.createObjectURL(file);
        return { ...base, thumbnailUrl, status: "uploading", error: null };
      });
      setItems((current) => [...current, ...added]);
      void upload(added.filter((item) => item.status === "uploading"));
    },
    [config, upload],
  );

  const remove = useCallback((id: string) => {
    controllers.current.get(id)?.abort();
    setItems((current) => {
      const gone = current.find((item) => item.id === id);
      if (gone?.thumbnailUrl) URL.revokeObjectURL(gone.thumbnailUrl);
      return current.filter((item) => item.id !== id);
    });
  }, []);

  const retry = useCallback(
    (id: string) => {
      const item = itemsRef.current.find((i) => i.id === id);
      if (!item || item.status !== "failed") return;
      const again = { ...item, status: "uploading" as const, progress: 0, error: null };
      patch(id, again);
      void upload([again]);
    },
    [patch, upload],
  );

  const clear = useCallback(() => {
    for (const controller of controllers.current.values()) controller.abort();
    setItems((current) => {
      for (const item of current) if (item.thumbnailUrl) URL.revokeObjectURL(item.thumbnailUrl);
      return [];
    });
  }, []);

  useEffect(() => {
    const open = controllers.current;
    return () => {
      for (const controller of open.values()) controller.abort();
    };
  }, []);

  const uploaded = items.filter((item) => item.status === "uploaded");
  return {
    items,
    add,
    remove,
    retry,
    clear,
    keys: uploaded.map((item) => item.key as string),
    busy: items.some((item) => item.status === "uploading"),
    usable: items.filter((item) => item.status !== "invalid").length,
  };
}

export type ReferenceUploads = ReturnType<typeof useReferenceUploads>;
