import { useEffect, useState } from "react";

/** The time now, to the second while `ticking`: what running cards count their time by. Once
 * it ticks again (the page can check on the job again) it is the time now at once, not the
 * time it stopped at until a second has gone by. */
export function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [ticking]);
  return now;
}
