import { useQuery } from "@tanstack/react-query";

import type { TabConfig } from "../config";
import type { ApiConfig } from "../../../api/imageGeneration";
import { isGone } from "../errors";
import { keys, POLL_MS } from "../queryCache";
import { useApi } from "./use-api";

export function toTabConfig(api: ApiConfig): TabConfig {
  return {
    maxFiles: api.max_reference_files,
    maxBytes: api.reference_max_bytes,
    accept: Object.fromEntries(api.accepted_types.map((t) => [t.mime_type, t.extensions])),
    promptMaxChars: api.prompt_max_chars,
    aspectRatios: api.aspect_ratios,
    imageSizes: api.image_sizes,
    defaultAspectRatio: api.default_aspect_ratio,
    defaultImageSize: api.default_image_size,
    model: api.model,
    maxVariants: api.max_variants,
    urlLifetimeMs: api.output_url_expiry_s * 1000,
    prices:
      api.prices === null || api.input_image_usd === null
        ? null
        : {
            perImage: Object.fromEntries(api.prices.map((p) => [p.image_size, p.estimated_usd])),
            perInputImage: api.input_image_usd,
          },
  };
}

/** GET /v1/config: the limits the API validates with, read once; again and again while it
 * cannot be read (the page is nothing without it, and comes back by itself once it is). */
export function useTabConfig() {
  const api = useApi();
  return useQuery({
    queryKey: keys.config,
    queryFn: async () => toTabConfig(await api.getConfig()),
    staleTime: Infinity,
    // Not a refusal (403, 404): asked again, it would be refused again.
    refetchInterval: (query) => (query.state.status === "error" && !isGone(query.state.error) ? POLL_MS : false),
  });
}
