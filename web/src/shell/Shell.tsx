/**
 * A small stand-in for the host app, for local use: log in against the Django host, a
 * navbar with the admin links, the Images page at /images. A host app does not need it.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type MouseEvent } from "react";

import { forgetImagesDraft, Images } from "../pages/images/Images";
import { loadApiBaseUrl, loadSession, logIn, logOut, LOGGED_OUT_KEY, TOKEN_KEY, type Session } from "./session";
import styles from "./Shell.module.css";

// As in the host's AdminNavbar.
const centerLinks = [
  { label: "Home", to: "/" },
  { label: "Images", to: "/images" },
];

function usePath(): [string, (to: string) => void] {
  const [path, setPath] = useState(() => window.location.pathname);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname);
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);
  const navigate = useCallback((to: string) => {
    window.history.pushState(null, "", to);
    setPath(to);
  }, []);
  return [path, navigate];
}

const getToken = () => localStorage.getItem(TOKEN_KEY);

export function Shell() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [apiBaseUrl, setApiBaseUrl] = useState<string | null>(null);
  const [path, navigate] = usePath();

  useEffect(() => {
    void loadApiBaseUrl().then(setApiBaseUrl);
  }, []);

  // Another tab logged out, or in: this one follows at once. Logged out there, this tab's page
  // (a user's face photos, their results) does not stay on screen for the next person at the
  // desk, nor does its draft stay in this tab; logged in there, this tab goes on with that
  // session (its page anew: one that said its session had ended no longer does).
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === LOGGED_OUT_KEY) forgetImagesDraft();
      if (event.key === TOKEN_KEY || event.key === null) setSession(loadSession());
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, []);

  // Back to the login form: the tab's way out of an ended session (the draft stays for
  // whoever logs in again, most often the same admin).
  const token = session?.token;
  const endSession = useCallback(() => {
    if (token) logOut(token);
    setSession(null);
  }, [token]);
  // Log out: the draft goes too (its photos are of a user's face), in every tab.
  const logOutNow = () => {
    forgetImagesDraft();
    localStorage.setItem(LOGGED_OUT_KEY, String(Date.now()));
    endSession();
  };

  // Logged in, the page's content has the focus as it comes: the form that had it went, which
  // left it on the page's body (the next Tab started at the navbar's first link).
  const arrived = useRef(false);
  const focusOnArrival = (main: HTMLElement | null) => {
    if (!main || !arrived.current) return;
    arrived.current = false;
    main.focus();
  };

  const link = (to: string) => (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(to);
  };

  if (!session) {
    return (
      <div className={styles.app}>
        <LoginForm
          onLoggedIn={(opened) => {
            arrived.current = true;
            setSession(opened);
          }}
        />
      </div>
    );
  }

  const admin = session.isStaff;
  const links = admin ? centerLinks : centerLinks.filter((l) => l.to !== "/images");
  return (
    <div className={styles.app}>
      <nav className={styles.navbar} aria-label="Main">
        <span className={styles.brand}>Identity images</span>
        <ul className={styles.links}>
          {links.map((l) => (
            <li key={l.to}>
              <a
                href={l.to}
                onClick={link(l.to)}
                className={path === l.to ? styles.active : styles.link}
                aria-current={path === l.to ? "page" : undefined}
              >
                {l.label}
              </a>
            </li>
          ))}
        </ul>
        <div className={styles.account}>
          <span className={styles.username}>{session.username}</span>
          <button type="button" className={styles.logout} onClick={logOutNow}>
            Log out
          </button>
        </div>
      </nav>
      <main ref={focusOnArrival} tabIndex={-1} className={styles.main}>
        {path === "/images" && admin && apiBaseUrl && (
          <Images key={session.token} apiBaseUrl={apiBaseUrl} getToken={getToken} onSessionEnded={endSession} />
        )}
        {path === "/images" && !admin && <AdminsOnly />}
        {path !== "/images" && (
          <section className={styles.home}>
            <h1>Welcome, {session.username}</h1>
            {admin ? (
              <p>
                Make identity images on the{" "}
                <a href="/images" onClick={link("/images")}>
                  Images
                </a>{" "}
                page.
              </p>
            ) : (
              <AdminsOnly />
            )}
          </section>
        )}
      </main>
    </div>
  );
}

function AdminsOnly() {
  return (
    <p className={styles.adminsOnly} role="status">
      Admins only: the Images tab is for staff accounts.
    </p>
  );
}

function LoginForm({ onLoggedIn }: { onLoggedIn: (session: Session) => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const userId = useId();
  const passwordId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLoggedIn(await logIn(username, password));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Could not log in.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className={styles.loginPage}>
      <form className={styles.loginCard} onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title" className={styles.loginTitle}>
          Log in
        </h1>
        <p className={styles.loginHint}>With your account on the host app.</p>
        <label htmlFor={userId}>Username</label>
        <input
          id={userId}
          // The login page is this form alone: the admin types at once, as on a host's login.
          // eslint-disable-next-line jsx-a11y/no-autofocus -- the form's name ("Log in") is read with it
          autoFocus
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
        />
        <label htmlFor={passwordId}>Password</label>
        <input
          id={passwordId}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        {error && (
          <p role="alert" className={styles.loginError}>
            {error}
          </p>
        )}
        <button type="submit" className={styles.loginButton} disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
      </form>
    </main>
  );
}
