import { createContext, useContext } from "react";

import type { ImageGenerationApi } from "../../../api/imageGeneration";

export const ApiContext = createContext<ImageGenerationApi | null>(null);

export function useApi(): ImageGenerationApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error("The Images page needs its ApiContext (see Images.tsx).");
  return api;
}
