/** The page's outermost element (`Images` marks it): what is the page's own, in a host's page
 * around it, is what is inside it. */
export const PAGE_ROOT = "[data-images-tab]";
