"""The Images tab in a real browser: Playwright drives Debian's chromium (no browser
download) against `identity-images serve` (the session's `stack`), which serves the built tab
(web/dist). Each module holds one subject:

- test_the_whole_path: an admin's way from photos to a saved, downloaded, re-run image (and
  the screenshot `make screenshot` copies to docs/images-tab.png); a member sees no tab.
- test_layout_on_laptops, test_layout_on_tablets, test_layout_on_phones: what a screen of
  each size shows of a click's results and the history, measured.
- test_compare: Compare's pictures and Saves in view, and the page behind it still.
- test_the_form: the fields and what is said of them, clear of the sticky Generate bar.
- test_notices_and_a_still_page: the page's notices, and nothing moving under the admin.
- test_a_hosts_page: the page under a host's global CSS, sidebar and sticky bars.

The tests share one stack: each pins its own click's cards or rows (`steps.finished_click`,
or words of its own), as an identity's pane and history show earlier tests' clicks too.
`steps` says what an admin does; `measures` reads the page as it is drawn.
"""
