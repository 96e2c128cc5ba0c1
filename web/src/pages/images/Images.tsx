/**
 * The Images tab: pick a user and an identity, add reference photos, prompt, generate,
 * watch it run, keep the result. Copy this folder (with src/api/) into a host client and
 * add `<Route path="/images" element={<Images />} />`; see docs/images-tab.md.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";

import { createImageGenerationApi, type ApiOptions } from "../../api/imageGeneration";
import { ApiContext } from "./hooks/use-image-generation";
import { ImagesWorkspace } from "./ImagesWorkspace";
import ui from "./ui.module.css";

export interface ImagesProps {
  /** The API's base URL, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod/v1. */
  apiBaseUrl?: string;
  /** The signed-in admin's bearer token (the host's own login). */
  getToken?: ApiOptions["getToken"];
}

const DEFAULT_API_URL: string = import.meta.env.VITE_IDENTITY_IMAGES_API_URL ?? "/v1";
const defaultGetToken = () => globalThis.localStorage?.getItem("access_token") ?? null;

export function Images({ apiBaseUrl = DEFAULT_API_URL, getToken = defaultGetToken }: ImagesProps) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true }, mutations: { retry: 0 } },
      }),
  );
  const api = useMemo(() => createImageGenerationApi({ apiBaseUrl, getToken }), [apiBaseUrl, getToken]);
  useEffect(() => () => queryClient.clear(), [queryClient]);
  return (
    <QueryClientProvider client={queryClient}>
      <ApiContext.Provider value={api}>
        <div className={ui.page}>
          <ImagesWorkspace />
        </div>
      </ApiContext.Provider>
    </QueryClientProvider>
  );
}

export default Images;
