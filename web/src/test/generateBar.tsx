/** The Generate bar alone, as a test renders it: Generate on, 1 image at 3:4, 1K, ≈ $0.134. */
import type { ComponentProps } from "react";

import { GenerateBar } from "../pages/images/components/GenerateBar";

export function generateBar(props: Partial<ComponentProps<typeof GenerateBar>> = {}) {
  return (
    <GenerateBar
      onPress={() => undefined}
      whyNot={null}
      pending={false}
      costUsd={0.134}
      variants={1}
      imageSize="1K"
      aspectRatio="3:4"
      usualSeconds={null}
      {...props}
    />
  );
}
