/**
 * The Images tab: pick a user and an identity, add reference photos, prompt, generate,
 * watch it run, keep the result. Copy this folder (with src/api/) into a host client and
 * add `<Route path="/images" element={<Images />} />`; see docs/images-tab.md.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useMemo, useState, type CSSProperties } from "react";

import { createImageGenerationApi, SESSION_ENDED, type ApiOptions } from "../../api/imageGeneration";
import { isRefused } from "./errors";
import { ApiContext } from "./hooks/use-api";
import { NoticeRoom } from "./hooks/use-page-notice";
import { forgetAll } from "./hooks/use-session-state";
import { forgetKeptFiles } from "./photos/kept";
import { ImagesWorkspace } from "./ImagesWorkspace";
import { SessionNotice } from "./PageFrame";
import ui from "./ui.module.css";

export interface ImagesProps {
  /** The API's base URL, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod/v1. */
  apiBaseUrl?: string;
  /** The signed-in admin's bearer token (the host's own login), asked before each request.
   * Pass a stable function (module-level, or `useCallback`): a new one rebuilds the API client. */
  getToken?: ApiOptions["getToken"];
  /**
   * Log the admin in again: shown as a "Log in again" button once the API says the
   * session has ended (401). Without it the page only says so.
   */
  onSessionEnded?: () => void;
}

/** One more try for a fault on the way or on the server; none for a refusal (4xx): it would be refused again. */
function retryOnce(failures: number, error: Error): boolean {
  return failures < 1 && !isRefused(error);
}

const DEFAULT_API_URL: string = import.meta.env.VITE_IDENTITY_IMAGES_API_URL ?? "/v1";
const defaultGetToken = () => globalThis.localStorage?.getItem("access_token") ?? null;

export function Images({ apiBaseUrl = DEFAULT_API_URL, getToken = defaultGetToken, onSessionEnded }: ImagesProps) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: { retry: retryOnce, refetchOnWindowFocus: true },
          // Sent at once, offline too (TanStack's "online" mode would hold a change until the
          // browser is back, and send it then): a paid start must never go out minutes later on
          // its own. Offline, it fails as unreachable, and says so where it was asked.
          mutations: { retry: 0, networkMode: "always" },
        },
      }),
  );
  const [sessionEnded, setSessionEnded] = useState(false);
  const api = useMemo(
    () => createImageGenerationApi({ apiBaseUrl, getToken, onSessionChange: setSessionEnded }),
    [apiBaseUrl, getToken],
  );
  // How much of the window's foot the page's notices take: what is brought into view clears
  // them, and while there are any (`data-notices`) Generate stands on them on one column too
  // (ComposeForm.module.css).
  const [noticeRoom, setNoticeRoom] = useState(0);
  return (
    <QueryClientProvider client={queryClient}>
      <ApiContext.Provider value={api}>
        <NoticeRoom.Provider value={setNoticeRoom}>
          <SessionNotice.Provider value={sessionEnded ? <SessionEnded onLogIn={onSessionEnded} /> : null}>
            <div
              data-images-tab=""
              data-notices={noticeRoom > 0 ? "" : undefined}
              className={ui.page}
              style={{ "--ii-notice-room": `${noticeRoom}px` } as CSSProperties}
            >
              <ImagesWorkspace sessionEnded={sessionEnded} />
            </div>
          </SessionNotice.Provider>
        </NoticeRoom.Provider>
      </ApiContext.Provider>
    </QueryClientProvider>
  );
}

/** One notice for every request the ended session refuses, with the way out when the host
 * gives one: the first of the page's notices (`PageNotices`). */
function SessionEnded({ onLogIn }: { onLogIn: (() => void) | undefined }) {
  return (
    <div role="alert" className={`${ui.alert} ${ui.pageNotice} ${ui.sessionEnded}`}>
      <span>{SESSION_ENDED}</span>
      {onLogIn && (
        <button type="button" className={ui.primary} onClick={onLogIn}>
          Log in again
        </button>
      )}
    </div>
  );
}

/** Call on the host's log out: the page keeps its draft (photos, prompt, choices) across
 * reloads, and the photos' files while the host's page lives, which the next admin at this
 * browser must not find. */
export function forgetImagesDraft(): void {
  forgetAll();
  forgetKeptFiles();
}

export default Images;
