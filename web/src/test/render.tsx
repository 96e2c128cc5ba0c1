import { render } from "@testing-library/react";

import { Images } from "../pages/images/Images";
import { API } from "./api";

export function renderImages() {
  return render(<Images apiBaseUrl={`${API}/v1`} getToken={() => "test-token"} />);
}

export function file(name: string, type: string, bytes = 1000): File {
  return new File([new Uint8Array(bytes)], name, { type });
}
