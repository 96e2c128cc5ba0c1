/// <reference types="vite/client" />
interface ImportMetaEnv {
  readonly VITE_IDENTITY_IMAGES_API_URL?: string;
}
