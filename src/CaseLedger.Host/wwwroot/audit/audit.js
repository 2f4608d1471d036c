// CaseLedger audit pages: search cases, read a case's timeline, step through its history, check its chain.
// A plain ES module with no build step and no dependencies. Everything the server sends is put on the
// page as text (textContent, Text nodes, attribute values); nothing is ever parsed as HTML.
//
// Routes (hash routing, so links can be shared and back/forward work):
//   #/{district}?kind=...&q=...         search
//   #/{district}/{caseId}?version=N     one case, at version N (the latest without it)
//
// Every API call carries the signed-in person's bearer token. The token is kept in sessionStorage (this
// tab only, gone when it closes or on sign-out) and is never written to the page or the console. Who is
// signed in is read from the token's payload for display only: the host decides what the token allows.

const TOKEN_KEY = "caseledger.audit.token";
const DISTRICT_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const AUDIT_PAGE_SIZE = 500; // the largest page (limit) /audit/entries serves; each page's next link leads on
const SEARCH_LIMIT = 200; // the largest page (limit) /districts/{d}/cases serves; "Show more" follows its next link
const LIST_LIMIT = 100; // longer lists in a state are cut, with a note, to keep the page fast
const CHANGES_LIMIT = 300;
const SLIDER_DELAY_MS = 120;

// The kinds the host serves, by name, with their labels: read from GET /kinds when someone signs in.
const KIND_LABELS = {};

/**
 * Who is signed in: the token, what its payload says (display only), the districts it grants that are
 * set up here, and whether the host has accepted the token yet (ready).
 */
const session = { token: null, claims: null, districts: [], ready: false };

const $ = (id) => document.getElementById(id);
const enc = encodeURIComponent;

/** Makes an element; string children become Text nodes, so data never turns into markup. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "className") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child !== undefined && child !== null) node.append(child);
  }
  return node;
}

const kindLabel = (kind) => KIND_LABELS[kind] ?? kind ?? "Unknown kind";

/**
 * The district's civil time: every time the API answers with carries its offset (+08:00, the rule
 * book's); a time worked out here (a token's expiry) is shown at the offset last seen.
 */
let civilOffset = "+08:00";
const civilZone = () => `UTC${civilOffset}`;

/** An ISO time as "2024-04-08 09:00:00" in the district's civil time, keeping the exact value for the title. */
function formatTime(iso) {
  if (!iso) return "";
  const text = String(iso);
  const given = /([+-]\d\d):(\d\d)$/.exec(text);
  if (given) civilOffset = `${given[1]}:${given[2]}`;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return text;
  const sign = civilOffset.startsWith("-") ? -1 : 1;
  const minutes = sign * (Number(civilOffset.slice(1, 3)) * 60 + Number(civilOffset.slice(4, 6)));
  return new Date(date.getTime() + minutes * 60000).toISOString().replace("T", " ").replace(/\.\d+Z$|Z$/, "");
}

/** A time as the API writes one: ISO 8601 with its offset. */
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

function timeElement(iso) {
  return el("time", { datetime: iso, title: iso }, formatTime(iso));
}

const orNone = (value) => (value === null || value === undefined || value === "" ? el("span", { className: "muted" }, "\u2014") : String(value));

// ---------------------------------------------------------------------------------------------------
// Talking to the host

class ApiError extends Error {
  /** signedOut: the host refused the token (401) and the page has signed out; the sign-in panel says why. */
  constructor(message, status, code, signedOut = false) {
    super(message);
    this.status = status;
    this.code = code;
    this.signedOut = signedOut;
  }
}

/**
 * Calls the host, signed in with the session's token unless anonymous. A refusal becomes an ApiError with
 * the problem's detail; a 401 to a request made with the current token also signs out, with that detail.
 */
async function request(url, { signal, method = "GET", json, anonymous = false } = {}) {
  const token = anonymous ? null : session.token;
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(url, { method, headers, signal, body: json === undefined ? undefined : JSON.stringify(json) });
  // An answer to a token already dropped or replaced belongs to nobody on the page now.
  if (!anonymous && token !== session.token) throw new ApiError("Signed out meanwhile.", response.status, undefined, true);
  if (response.ok) return response;

  let detail = `${response.status} ${response.statusText}`.trim();
  let code;
  try {
    const problem = await response.json();
    detail = problem.detail || problem.title || detail;
    code = problem.code;
  } catch {
    // Not a problem-details body; the status line says enough.
  }

  if (response.status === 401 && token !== null) {
    signOut(`The host did not accept your sign-in: ${detail}`, "refused");
    throw new ApiError(detail, response.status, code, true);
  }
  throw new ApiError(detail, response.status, code);
}

async function getJson(url, signal) {
  return (await request(url, { signal })).json();
}

const caseUrl = (district, caseId, tail) => `/districts/${enc(district)}/cases/${enc(caseId)}/${tail}`;

const isAbort = (error) => error instanceof DOMException && error.name === "AbortError";

/** An error nobody needs to be told about again: the request was cancelled, or the sign-in panel already says why. */
const isSettled = (error) => isAbort(error) || (error instanceof ApiError && error.signedOut);

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = false;
}

function clearError() {
  $("error").hidden = true;
  $("error").textContent = "";
}

// ---------------------------------------------------------------------------------------------------
// Promised times: the case's deadlines (a countdown that ticks on the page), escalations, hand-overs
// and complaints; and the district's on-time rate by month, drawn as SVG with its numbers as a table.

const SVG_NS = "http://www.w3.org/2000/svg";
const COUNTDOWN_TICK_MS = 1000;
const RATE_BAR_WIDTH = 44;
const RATE_BAR_GAP = 16;
const RATE_CHART_HEIGHT = 160;
const RATE_CHART_MARGIN = 28;

const LEVEL_WORDS = {
  VillageStation: "village or community station",
  TownshipCentre: "township or street centre",
  DistrictCentre: "district centre",
};
const levelWords = (level) => LEVEL_WORDS[level] ?? level;

/**
 * The case's promised times as the host read them: its clock's reading (readAt) is the page's "now",
 * moved on by the time since it answered, so the countdown follows the host's clock, not the reader's.
 */
const promised = { controller: null, timer: 0, readAt: 0, answeredAt: 0, running: [] };

function resetPromised() {
  promised.controller?.abort();
  clearInterval(promised.timer);
  Object.assign(promised, { controller: new AbortController(), timer: 0, readAt: 0, answeredAt: 0, running: [] });
  $("promised-status").textContent = "Loading the promised times\u2026";
  $("promised-level").textContent = "";
  $("deadlines").tBodies[0].replaceChildren();
  for (const id of ["escalations", "hand-overs", "complaints"]) $(id).replaceChildren();
}

async function loadPromised(district, caseId) {
  resetPromised();
  try {
    const reading = await getJson(caseUrl(district, caseId, "deadlines"), promised.controller.signal);
    renderPromised(reading);
  } catch (error) {
    if (isSettled(error)) return;
    $("promised-status").textContent = error.status === 404
      ? "No promised times, hand-overs or complaints are recorded for this case."
      : `The promised times could not be loaded: ${error.message}`;
  }
}

/** "1 h 05 min 09 s"; negative spans are said as overdue by the caller. */
function span(ms) {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n) => String(n).padStart(2, "0");
  return (days > 0 ? `${days} d ` : "") + (days > 0 || hours > 0 ? `${hours} h ${two(minutes)} min ` : `${minutes} min `) + `${two(seconds)} s`;
}

const STATE_WORDS = {
  due: "due", "at-risk": "at risk", breached: "breached", met: "met on time", "met-late": "met late", paused: "paused", cancelled: "cancelled",
};

function renderPromised(reading) {
  promised.readAt = Date.parse(reading.readAt);
  promised.answeredAt = performance.now();
  $("promised-level").textContent = reading.handOvers.length === 0
    ? `Accepted and handled at the ${levelWords(reading.acceptedAt)}.`
    : `Accepted at the ${levelWords(reading.acceptedAt)}; now at the ${levelWords(reading.level)}.`;
  const rows = reading.deadlines.map((d) => {
    const left = el("td", { "data-testid": "deadline-left" });
    const row = el("tr", { "data-testid": "deadline", "data-key": d.key, "data-state": d.state },
      el("th", { scope: "row" }, d.what, el("span", { className: "muted" }, ` (${d.key}, ${d.clause})`)),
      el("td", {}, timeElement(d.dueAt)),
      el("td", { "data-testid": "deadline-state" }, el("span", { className: `deadline-state ${d.state}` }, STATE_WORDS[d.state] ?? d.state),
        d.breachedAt ? el("span", { className: "muted" }, " \u2014 breach recorded ", timeElement(d.breachedAt)) : null,
        d.metAt ? el("span", { className: "muted" }, " \u2014 done ", timeElement(d.metAt)) : null),
      left);
    if (d.timeLeft !== null && d.timeLeft !== undefined) promised.running.push({ dueAt: Date.parse(d.dueAt), cell: left });
    else left.append(el("span", { className: "muted" }, "\u2014"));
    return row;
  });
  $("deadlines").tBodies[0].replaceChildren(...rows);
  $("escalations").replaceChildren(...reading.escalations.map((x) =>
    el("li", { "data-testid": "escalation" }, `Level ${x.level}: escalated to ${x.to} `, timeElement(x.at), ` \u2014 ${x.reason}`)));
  $("hand-overs").replaceChildren(...reading.handOvers.map((h) =>
    el("li", { "data-testid": "hand-over" }, `From ${h.fromOffice} (${levelWords(h.from)}) to ${h.toOffice} (${levelWords(h.to)}) `,
      timeElement(h.at), ` \u2014 ${h.reason}`)));
  $("complaints").replaceChildren(...reading.complaints.map((c) =>
    el("li", { "data-testid": "complaint" }, `${c.complainant}, `, timeElement(c.at), `: ${c.text}`)));
  for (const [id, none] of [["escalations", "No escalation."], ["hand-overs", "Never handed over."], ["complaints", "No complaint."]]) {
    if ($(id).children.length === 0) $(id).append(el("li", { className: "muted" }, none));
  }
  $("promised-status").textContent = reading.deadlines.length === 0
    ? "This case has no deadline."
    : `${reading.deadlines.length} deadline${reading.deadlines.length === 1 ? "" : "s"}, read at ${formatTime(reading.readAt)} (${civilZone()}); the time left counts down here.`;
  tickPromised();
  if (promised.running.length > 0) promised.timer = setInterval(tickPromised, COUNTDOWN_TICK_MS);
}

function tickPromised() {
  const now = promised.readAt + (performance.now() - promised.answeredAt);
  for (const { dueAt, cell } of promised.running) {
    const left = dueAt - now;
    cell.textContent = left >= 0 ? `${span(left)} left` : `overdue by ${span(left)}`;
    cell.classList.toggle("overdue", left < 0);
  }
}

let rateController = null;

/** The district's on-time rate by month: bars drawn as SVG, and the same numbers in a table for every reader. */
async function loadRate(district) {
  rateController?.abort();
  rateController = new AbortController();
  const status = $("rate-status");
  status.textContent = "Loading the on-time rate\u2026";
  $("rate-chart").replaceChildren();
  $("rate-table").tBodies[0].replaceChildren();
  $("rate-levels").replaceChildren();
  $("rate-kinds").replaceChildren();
  try {
    const rate = await getJson(`/districts/${enc(district)}/on-time-rate`, rateController.signal);
    drawRate(rate);
    status.textContent = rate.all.settled === 0
      ? `No deadline in ${district} is settled yet.`
      : `${district}: ${percent(rate.all.rate)} on time over ${rate.all.settled} settled deadline${rate.all.settled === 1 ? "" : "s"} of every kind.`;
  } catch (error) {
    if (isSettled(error)) return;
    status.textContent = `The on-time rate could not be loaded: ${error.message}`;
  }
}

const percent = (rate) => (rate === null || rate === undefined ? "\u2014" : `${(rate * 100).toFixed(1)}%`);

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function drawRate(rate) {
  const months = rate.byMonth;
  const chart = $("rate-chart");
  const width = Math.max(1, months.length) * (RATE_BAR_WIDTH + RATE_BAR_GAP) + RATE_BAR_GAP;
  const height = RATE_CHART_HEIGHT + 2 * RATE_CHART_MARGIN;
  chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
  chart.setAttribute("width", String(width));
  chart.setAttribute("height", String(height));
  const base = RATE_CHART_MARGIN + RATE_CHART_HEIGHT;
  chart.append(svg("line", { x1: 0, y1: base, x2: width, y2: base, class: "axis" }));
  months.forEach((m, i) => {
    const x = RATE_BAR_GAP + i * (RATE_BAR_WIDTH + RATE_BAR_GAP);
    const barHeight = Math.round((m.rate ?? 0) * RATE_CHART_HEIGHT);
    const bar = svg("rect", { x, y: base - barHeight, width: RATE_BAR_WIDTH, height: barHeight, class: "bar", "data-testid": "rate-bar", "data-month": m.key });
    bar.append(svg("title", {}, `${m.key}: ${percent(m.rate)} on time (${m.onTime} of ${m.settled})`));
    chart.append(bar,
      svg("text", { x: x + RATE_BAR_WIDTH / 2, y: base - barHeight - 6, "text-anchor": "middle", class: "value" }, percent(m.rate)),
      svg("text", { x: x + RATE_BAR_WIDTH / 2, y: base + 18, "text-anchor": "middle", class: "month" }, m.key));
  });
  const line = (label, c) => el("li", { "data-testid": "rate-group", "data-key": c.key },
    `${label}: ${percent(c.rate)} on time (${c.onTime} of ${c.settled}; ${c.metLate} met late, ${c.breached} breached)`);
  $("rate-levels").replaceChildren(...rate.byLevel.map((c) => line(levelWords(c.key), c)));
  $("rate-kinds").replaceChildren(...rate.byKind.map((c) => line(kindLabel(c.key), c)));
  $("rate-table").tBodies[0].replaceChildren(...months.map((m) =>
    el("tr", { "data-testid": "rate-row", "data-month": m.key },
      el("th", { scope: "row" }, m.key), el("td", {}, String(m.settled)), el("td", {}, String(m.onTime)),
      el("td", {}, String(m.metLate)), el("td", {}, String(m.breached)), el("td", {}, percent(m.rate)))));
}

// ---------------------------------------------------------------------------------------------------
// Routing

/** The district a search starts in: the first one the token grants that is set up here ("" when none is). */
const defaultDistrict = () => session.districts[0]?.id ?? "";

function searchHref({ district, kind, q }) {
  const params = new URLSearchParams();
  if (kind) params.set("kind", kind);
  if (q) params.set("q", q);
  const query = params.toString();
  const where = district || defaultDistrict();
  return `#/${where ? enc(where) : ""}${query ? `?${query}` : ""}`;
}

function caseHref(district, caseId, version) {
  return `#/${enc(district)}/${enc(caseId)}${version ? `?version=${version}` : ""}`;
}

function parseRoute() {
  const raw = location.hash.replace(/^#/, "");
  const at = raw.indexOf("?");
  const path = at < 0 ? raw : raw.slice(0, at);
  const params = new URLSearchParams(at < 0 ? "" : raw.slice(at + 1));
  let parts;
  try {
    parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    parts = [];
  }

  if (parts.length >= 2) {
    const version = Number.parseInt(params.get("version") ?? "", 10);
    return { view: "case", district: parts[0], caseId: parts[1], version: version >= 1 ? version : null };
  }

  return { view: "search", district: parts[0] || defaultDistrict(), kind: params.get("kind") ?? "", q: params.get("q") ?? "" };
}

let lastSearchHref = "#/";

function route() {
  if (!session.token) {
    // The address is kept: it opens once someone signs in.
    showSignIn();
    return;
  }
  if (!session.ready) return; // the token is being checked; the address opens once it is accepted

  clearError();
  const current = parseRoute();
  $("search-view").hidden = current.view !== "search";
  $("case-view").hidden = current.view !== "case";
  if (current.view === "search") {
    lastSearchHref = searchHref(current);
    showSearch(current);
  } else {
    showCase(current);
  }
}

// ---------------------------------------------------------------------------------------------------
// Search

let searchController = null;

async function showSearch({ district, kind, q }) {
  document.title = "Find a case \u2014 CaseLedger audit";
  selectDistrict(district);
  $("kind").value = KIND_LABELS[kind] ? kind : "";
  $("q").value = q;

  const status = $("search-status");
  const results = $("results");
  searchController?.abort();
  if (!district) {
    results.replaceChildren();
    status.textContent = "Your sign-in grants no district set up on this host: ask an administrator, or sign in for another district.";
    return;
  }

  if (!DISTRICT_PATTERN.test(district)) {
    results.replaceChildren();
    status.textContent = "A district id is lower-case letters, digits and dashes, e.g. yuelu.";
    return;
  }

  loadRate(district);
  searchController = new AbortController();
  status.textContent = "Searching\u2026";
  const params = new URLSearchParams();
  if (kind) params.set("kind", kind);
  if (q) params.set("q", q);
  params.set("limit", String(SEARCH_LIMIT));
  results.replaceChildren();
  await loadSearchPage(`/districts/${enc(district)}/cases?${params}`, district, q, searchController.signal);
}

/** One page of the search's results, appended; its next link, if any, behind a "Show more" button. */
async function loadSearchPage(url, district, q, signal) {
  const status = $("search-status");
  const results = $("results");
  const more = $("search-more");
  more.hidden = true;
  try {
    const page = await getJson(url, signal);
    results.append(...page.items.map((found) => resultItem(district, found)));
    const shown = results.children.length;
    const what = q ? ` matching \u201c${q}\u201d` : "";
    status.textContent = shown === 0
      ? `No case in ${district}${what}.`
      : `${shown} case${shown === 1 ? "" : "s"} in ${district}${what}, newest first` + (page.next ? " (more below)." : ".");
    if (page.next) {
      more.hidden = false;
      more.onclick = () => loadSearchPage(page.next, district, q, signal);
    }
  } catch (error) {
    if (isSettled(error)) return;
    results.replaceChildren();
    status.textContent = "";
    showError(`The search failed: ${error.message}`);
  }
}

/** Fills the district selector with the districts the token grants that are set up here. */
function fillDistricts() {
  $("district").replaceChildren(...session.districts.map((d) =>
    el("option", { value: d.id }, d.name && d.name !== d.id ? `${d.name} (${d.id})` : d.id)));
}

/**
 * Selects a district; one the address names but the token does not grant (a shared link) is shown as
 * such, and the host's refusal says the rest.
 */
function selectDistrict(district) {
  const select = $("district");
  for (const extra of select.querySelectorAll("option[data-not-granted]")) extra.remove();
  if (district && !session.districts.some((d) => d.id === district)) {
    select.append(el("option", { value: district, "data-not-granted": true }, `${district} (not granted to you)`));
  }
  select.value = district;
}

function resultItem(district, found) {
  return el("li", { "data-testid": "result", "data-case-id": found.caseId },
    el("a", { className: "result-link", href: caseHref(district, found.caseId) }, found.summary || found.caseId),
    el("p", { className: "result-meta" },
      el("span", { className: "kind" }, kindLabel(found.kind)),
      el("span", {}, "Opened ", timeElement(found.openedAt), " by ", found.openedBy ?? "unknown", " via ", found.channel ?? "unknown channel"),
      el("code", {}, found.caseId)));
}

function onSearchSubmit(event) {
  event.preventDefault();
  const form = { district: $("district").value.trim(), kind: $("kind").value, q: $("q").value.trim() };
  const href = searchHref(form);
  if (location.hash === href) route(); // the same search again: no hashchange to wait for
  else location.hash = href;
}

// ---------------------------------------------------------------------------------------------------
// One case

/** The case on the page: its timeline, which version is shown and where its chain breaks, if anywhere. */
const current = {
  district: null,
  caseId: null,
  entries: new Map(), // version -> audit entry
  latest: 0,
  selected: 0,
  brokenAt: null,
  loadController: null,
  pointController: null,
  sliderTimer: 0,
};

async function showCase({ district, caseId, version }) {
  $("back-link").href = lastSearchHref;
  if (current.district === district && current.caseId === caseId && current.latest > 0) {
    selectVersion(version ?? current.latest);
    return;
  }

  resetCase(district, caseId);
  if (!DISTRICT_PATTERN.test(district)) {
    showError(`'${district}' is not a district id: use lower-case letters, digits and dashes.`);
    return;
  }

  const signal = current.loadController.signal;
  verify(signal);
  loadPromised(district, caseId);
  loadReceipts(caseUrl(district, caseId, "receipts"), signal);
  try {
    await loadTimeline(signal);
  } catch (error) {
    if (isSettled(error)) return;
    $("case-title").textContent = "This case could not be loaded";
    $("timeline-status").textContent = "";
    showError(error.status === 404 ? `There is no case ${caseId} in district ${district}.` : `The timeline failed to load: ${error.message}`);
    return;
  }

  if (current.latest === 0) {
    $("case-title").textContent = "This case could not be loaded";
    showError(`There is no case ${caseId} in district ${district}.`);
    return;
  }

  // The address may have moved on while the timeline loaded (a row clicked early): it decides.
  const now = parseRoute();
  selectVersion((now.view === "case" && now.caseId === caseId ? now.version : version) ?? current.latest);
}

function resetCase(district, caseId) {
  current.loadController?.abort();
  current.pointController?.abort();
  clearTimeout(current.sliderTimer);
  Object.assign(current, {
    district, caseId, entries: new Map(), latest: 0, selected: 0, brokenAt: null,
    loadController: new AbortController(), pointController: null,
  });

  document.title = `Case ${caseId} \u2014 CaseLedger audit`;
  $("case-kind").textContent = "";
  $("case-title").textContent = "Loading the case\u2026";
  $("case-district").textContent = district;
  $("case-id").textContent = caseId;
  $("case-events").textContent = "";
  const bundle = $("bundle-link");
  bundle.href = caseUrl(district, caseId, "bundle");
  bundle.setAttribute("download", `caseledger-${district}-${caseId}.json`);
  $("timeline").tBodies[0].replaceChildren();
  $("receipts").tBodies[0].replaceChildren();
  $("receipts-more").hidden = true;
  $("timeline-status").textContent = "Loading the timeline\u2026";
  $("version-label").textContent = "";
  $("event").replaceChildren();
  $("event-data-box").hidden = true;
  $("changes").tBodies[0].replaceChildren();
  $("changes-note").hidden = true;
  $("state").replaceChildren();
  $("state-json").textContent = "";
  setStepperEnabled(false);
}

async function loadTimeline(signal) {
  const body = $("timeline").tBodies[0];
  // The case's whole timeline, oldest first, a page at a time by each page's next link (no total is asked: the walk ends where next does).
  let url = `/audit/entries?district=${enc(current.district)}&caseId=${enc(current.caseId)}&order=oldest&limit=${AUDIT_PAGE_SIZE}`;
  for (let first = true; url; first = false) {
    const result = await getJson(url, signal);
    const rows = [];
    for (const entry of result.entries) {
      current.entries.set(entry.version, entry);
      current.latest = Math.max(current.latest, entry.version);
      rows.push(timelineRow(entry));
    }
    body.append(...rows);
    if (first && result.entries.length > 0) {
      const opening = result.entries[0];
      $("case-kind").textContent = kindLabel(opening.kind);
      $("case-title").textContent = opening.summary;
      document.title = `${kindLabel(opening.kind)} ${current.caseId} \u2014 CaseLedger audit`;
    }
    url = result.next;
    $("timeline-status").textContent = `${current.entries.size} events${url ? " so far" : ""}, oldest first. Select a row to see the case at that version.`;
  }

  $("case-events").textContent = String(current.entries.size);
  const slider = $("version-slider");
  slider.max = String(Math.max(1, current.latest));
  markBrokenRow();
}

function timelineRow(entry) {
  const row = el("tr", { "data-testid": "timeline-row", "data-version": entry.version },
    el("td", { className: "num" }, el("a", { href: caseHref(current.district, current.caseId, entry.version) }, String(entry.version))),
    el("td", { className: "time" }, timeElement(entry.time)),
    // A partner institution's clerk is shown with the institution they acted for.
    el("td", { className: entry.onBehalfOf ? "who proxy" : "who", "data-testid": "actor" },
      entry.institution ? `${entry.actor} (${entry.role ?? "partner"}, ${entry.institution})` : orNone(entry.actor)),
    el("td", { className: "who", "data-testid": "on-behalf-of" }, orNone(entry.onBehalfOf)),
    el("td", { className: "who", "data-testid": "channel" }, orNone(entry.channel)),
    el("td", { className: "type", "data-testid": "event-type" }, ...breakable(entry.eventType)),
    el("td", { className: "summary", "data-testid": "summary" }, entry.summary),
    el("td", { "data-testid": "rule" }, orNone(entry.rule)));
  return row;
}

/** A dotted name (renovation_vote.ballot_cast.v1) that may wrap after its dots: text nodes and <wbr>. */
function breakable(name) {
  const parts = String(name ?? "").split(".");
  return parts.flatMap((part, i) => (i < parts.length - 1 ? [`${part}.`, el("wbr")] : [part]));
}

/**
 * Downloads the offline bundle. A link cannot send the bearer token, so the page fetches the bundle itself
 * and hands the browser the bytes under the link's file name; the link's address still names the API.
 */
async function onBundleClick(event) {
  event.preventDefault();
  const link = event.currentTarget;
  if (!current.caseId || link.getAttribute("aria-busy")) return;
  link.setAttribute("aria-busy", "true");
  try {
    const blob = await (await request(link.href)).blob();
    const url = URL.createObjectURL(blob);
    const save = el("a", { href: url, download: link.getAttribute("download") || "caseledger-bundle.json", hidden: true });
    document.body.append(save);
    save.click();
    save.remove();
    // The browser has the bytes once the download starts; the object URL is only a handle to them.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    if (isSettled(error)) return;
    showError(`The bundle could not be downloaded: ${error.message}`);
  } finally {
    link.removeAttribute("aria-busy");
  }
}

function onTimelineClick(event) {
  if (event.target.closest("a")) return; // the version link navigates by itself
  const row = event.target.closest("tr[data-version]");
  if (row) location.hash = caseHref(current.district, current.caseId, row.dataset.version);
}

// ---------------------------------------------------------------------------------------------------
// Verification

// ---------------------------------------------------------------------------------------------------
// Receipts: what each write was answered with, to download and keep.

async function loadReceipts(url, signal) {
  const status = $("receipts-status");
  const more = $("receipts-more");
  more.hidden = true;
  status.textContent = "Loading the receipts\u2026";
  try {
    const page = await getJson(url, signal);
    $("receipts").tBodies[0].append(...page.receipts.map(receiptRow));
    const shown = $("receipts").tBodies[0].rows.length;
    status.textContent = shown === 0 ? "No receipts: the case's writes were made before receipts were issued." : `${shown} receipt(s), newest first.`;
    if (page.next) {
      more.hidden = false;
      more.onclick = () => loadReceipts(page.next, signal);
    }
  } catch (error) {
    if (isSettled(error)) return;
    status.textContent = `The receipts could not be loaded: ${error.message}`;
  }
}

function receiptRow(receipt) {
  const s = receipt.statement;
  const file = new Blob([JSON.stringify(receipt, null, 2)], { type: "application/json" });
  return el("tr", { "data-testid": "receipt-row", "data-version": s.version },
    el("td", { className: "num" }, String(s.version)),
    el("td", { className: "time" }, timeElement(s.time)),
    el("td", {}, el("code", { title: s.link }, `${s.link.slice(0, 16)}\u2026`)),
    el("td", {}, el("a", { href: URL.createObjectURL(file), download: `caseledger-receipt-${s.district}-${s.case}-v${s.version}.json` }, "Download")));
}

async function verify(signal) {
  const badge = $("verification");
  const detail = $("verification-detail");
  badge.className = "badge pending";
  badge.textContent = "Verifying the chain\u2026";
  badge.removeAttribute("title");
  detail.hidden = true;
  try {
    const result = await getJson(caseUrl(current.district, current.caseId, "verification"), signal);
    if (result.intact) {
      current.brokenAt = null;
      badge.className = "badge intact";
      const sealed = result.sealNumber === null || result.sealNumber === undefined
        ? "not sealed yet"
        : `sealed in seal ${result.sealNumber}`;
      badge.textContent = `Chain intact \u2014 ${result.events} events, ${sealed}`;
      const sealedUpTo = result.sealedVersion === null || result.sealedVersion === undefined
        ? ""
        : `; sealed up to version ${result.sealedVersion}, later versions are checked by the chain alone until the next seal`;
      if (result.head) badge.title = `Chain head ${result.head}${sealedUpTo}`;
    } else if (!result.firstBroken && result.findings?.length) {
      current.brokenAt = null;
      const first = result.findings[0];
      badge.className = "badge broken";
      badge.textContent = `Chain intact, but ${result.findings.length} stored document(s) differ from what the events produce`;
      detail.textContent = result.findings.slice(0, 5)
        .map((f) => `${f.document}: ${f.what}${f.member ? ` at ${f.member}: the events produce ${f.expected ?? "(nothing)"}, stored ${f.found ?? "(nothing)"}` : ""}`)
        .join(" \u00b7 ") + (first && result.findings.length > 5 ? ` \u00b7 and ${result.findings.length - 5} more` : "");
      detail.hidden = false;
    } else {
      const broken = result.firstBroken ?? { version: "?", what: "the chain does not verify" };
      current.brokenAt = broken.version;
      badge.className = "badge broken";
      badge.textContent = `BROKEN at version ${broken.version}: ${broken.what}`;
      detail.textContent = `Recorded when appended: ${broken.recorded ?? "(nothing)"} \u00b7 found now: ${broken.found ?? "(nothing)"}`;
      detail.hidden = false;
    }
  } catch (error) {
    if (isSettled(error)) return;
    badge.className = "badge broken";
    badge.textContent = error.status === 404 ? "No chain: this case has no events" : `Verification failed: ${error.message}`;
  }
  markBrokenRow();
  if (current.selected > 0) renderEvent(current.entries.get(current.selected), current.selected);
}

function markBrokenRow() {
  for (const row of $("timeline").querySelectorAll("tr.broken")) row.classList.remove("broken");
  if (current.brokenAt === null) return;
  const row = $("timeline").querySelector(`tr[data-version="${Number(current.brokenAt)}"]`);
  if (row) {
    row.classList.add("broken");
    row.title = "The chain breaks at this version";
  }
}

// ---------------------------------------------------------------------------------------------------
// Stepping through the history

function setStepperEnabled(enabled) {
  for (const id of ["first", "previous", "version-slider", "next", "last"]) $(id).disabled = !enabled;
}

/** Shows one version: the slider, the timeline row and the event at once, then its state and changes from the host. */
function selectVersion(version, { fromSlider = false } = {}) {
  if (current.latest === 0) return;
  const v = Math.min(Math.max(1, Math.trunc(version) || 1), current.latest);
  current.selected = v;

  setStepperEnabled(true);
  $("first").disabled = $("previous").disabled = v <= 1;
  $("next").disabled = $("last").disabled = v >= current.latest;
  if (!fromSlider) $("version-slider").value = String(v);
  $("version-label").textContent = `Version ${v} of ${current.latest}`;

  highlightRow(v);
  renderEvent(current.entries.get(v), v);
  loadPoint(v);
}

/** Moves with the stepper: the address follows (so it can be shared) without adding a history entry per step. */
function step(version) {
  const v = Math.min(Math.max(1, version), current.latest);
  history.replaceState(null, "", caseHref(current.district, current.caseId, v));
  selectVersion(v);
}

function onSliderInput() {
  const v = Number($("version-slider").value);
  $("version-label").textContent = `Version ${v} of ${current.latest}`;
  clearTimeout(current.sliderTimer);
  current.sliderTimer = setTimeout(() => {
    history.replaceState(null, "", caseHref(current.district, current.caseId, v));
    selectVersion(v, { fromSlider: true });
  }, SLIDER_DELAY_MS);
}

function highlightRow(version) {
  const table = $("timeline");
  table.querySelector("tr.selected")?.classList.remove("selected");
  table.querySelector("tr[aria-current]")?.removeAttribute("aria-current");
  const row = table.querySelector(`tr[data-version="${version}"]`);
  if (!row) return;
  row.classList.add("selected");
  row.setAttribute("aria-current", "true");

  // Scroll only the timeline's own box, never the page.
  const box = $("timeline-scroll");
  const header = table.tHead.offsetHeight;
  if (row.offsetTop - header < box.scrollTop) box.scrollTop = row.offsetTop - header;
  else if (row.offsetTop + row.offsetHeight > box.scrollTop + box.clientHeight) box.scrollTop = row.offsetTop + row.offsetHeight - box.clientHeight;
}

function renderEvent(entry, version) {
  const list = $("event");
  if (!entry) {
    list.replaceChildren(el("dt", {}, "Version"), el("dd", {}, String(version)), el("dt", {}, "Event"), el("dd", { className: "muted" }, "not in the audit trail"));
    return;
  }

  const pair = (label, value, testId) => [el("dt", {}, label), el("dd", { "data-testid": testId }, value)];
  const items = [
    ...pair("Version", String(entry.version), "event-version"),
    ...pair(`Time (${civilZone()})`, timeElement(entry.time), "event-time"),
    ...pair("Actor", orNone(entry.actor), "event-actor"),
    ...pair("On behalf of", orNone(entry.onBehalfOf), "event-on-behalf-of"),
    ...pair("Channel", orNone(entry.channel), "event-channel"),
    ...(entry.institution ? pair("Partner institution", entry.institution, "event-institution") : []),
    ...pair("Event type", el("code", {}, entry.eventType), "event-type"),
    ...pair("Summary", entry.summary, "event-summary"),
    ...pair("Rule version", orNone(entry.rule), "event-rule"),
  ];
  if (current.brokenAt !== null && Number(current.brokenAt) === version) {
    items.push(...pair("Chain", el("strong", { className: "no" }, "The chain breaks here: see the badge above."), "event-chain"));
  }
  list.replaceChildren(...items);
}

async function loadPoint(version) {
  current.pointController?.abort();
  const controller = new AbortController();
  current.pointController = controller;
  const { district, caseId } = current;
  $("state").setAttribute("aria-busy", "true");
  try {
    const [at, diff] = await Promise.all([
      getJson(`${caseUrl(district, caseId, "state")}?version=${version}`, controller.signal),
      version > 1
        ? getJson(`${caseUrl(district, caseId, "diff")}?fromVersion=${version - 1}&toVersion=${version}`, controller.signal)
        : Promise.resolve(null),
    ]);
    if (controller.signal.aborted || current.selected !== version) return;
    renderChanges(diff, version);
    renderState(at, new Set((diff?.changes ?? []).map((change) => change.path)), version);
  } catch (error) {
    if (isSettled(error)) return;
    showError(`Version ${version} could not be loaded: ${error.message}`);
  } finally {
    if (current.pointController === controller) $("state").removeAttribute("aria-busy");
  }
}

/** A value of a field change as a reader wants it: strings without their JSON quotes and escapes. */
function changeValue(value) {
  // The host leaves out a value the field did not have at that point, and sends JSON null for a field that held null.
  if (value === undefined) return el("span", { className: "muted" }, "absent");
  if (value === null) return el("span", { className: "muted" }, "none");
  if (typeof value === "string") return ISO_TIME.test(value) ? timeElement(value) : value;
  return JSON.stringify(value);
}

function renderChanges(diff, version) {
  const body = $("changes").tBodies[0];
  const note = $("changes-note");
  const box = $("event-data-box");
  if (!diff) {
    body.replaceChildren();
    note.textContent = "Version 1 opened the case: the state shown is where it started.";
    note.hidden = false;
    box.hidden = true;
    return;
  }

  const changes = diff.changes ?? [];
  body.replaceChildren(...changes.slice(0, CHANGES_LIMIT).map((change) =>
    el("tr", { "data-testid": "change", "data-path": change.path },
      el("td", {}, change.path),
      el("td", {}, changeValue(change.before)),
      el("td", {}, changeValue(change.after)))));
  note.hidden = changes.length > 0 && changes.length <= CHANGES_LIMIT;
  note.textContent = changes.length === 0
    ? "No field of the read model changed at this version."
    : `${changes.length} fields changed; the first ${CHANGES_LIMIT} are listed.`;

  const event = (diff.eventsBetween ?? []).find((e) => e.version === version);
  box.hidden = !event;
  $("event-data").textContent = event ? JSON.stringify(event.data, null, 2) : "";
}

// ---------------------------------------------------------------------------------------------------
// The state as nested definition lists

/** "participatingArea" -> "Participating area". */
function humanize(name) {
  const words = String(name).replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function scalarNode(value) {
  if (value === null || value === undefined) return el("span", { className: "empty" }, "none");
  if (typeof value === "boolean") return el("span", { className: value ? "yes" : "no" }, value ? "yes" : "no");
  // A time reads as the rest of the page's do: the district's civil time, the exact value in the title.
  if (typeof value === "string" && ISO_TIME.test(value)) return timeElement(value);
  return String(value);
}

function valueNode(value, path, changed) {
  if (Array.isArray(value)) {
    if (value.length === 0) return changed.has(path) ? el("mark", {}, "none (emptied)") : el("span", { className: "empty" }, "none");
    const items = value.slice(0, LIST_LIMIT).map((item, i) => el("li", {}, valueNode(item, `${path}[${i}]`, changed)));
    const list = el("ol", {}, ...items);
    if (value.length > LIST_LIMIT) {
      return el("div", {}, list, el("p", { className: "note" }, `\u2026 and ${value.length - LIST_LIMIT} more (see the JSON below).`));
    }
    return list;
  }

  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return el("span", { className: "empty" }, "none");
    const list = el("dl");
    for (const [name, child] of entries) {
      const childPath = path ? `${path}.${name}` : name;
      list.append(
        el("dt", { title: childPath }, humanize(name)),
        el("dd", { "data-path": childPath }, valueNode(child, childPath, changed)));
    }
    return list;
  }

  const node = scalarNode(value);
  return changed.has(path) ? el("mark", { title: "Changed at this version" }, node) : node;
}

function renderState(at, changed, version) {
  const box = $("state");
  box.dataset.version = String(at.version ?? version);
  if (at.state === null || at.state === undefined) {
    box.replaceChildren(el("p", { className: "muted" }, "No read model for this case kind."));
  } else {
    box.replaceChildren(valueNode(at.state, "", changed));
  }
  $("state-json").textContent = JSON.stringify(at.state, null, 2);
}

// ---------------------------------------------------------------------------------------------------
// Signing in and out

/** sessionStorage may be unavailable (storage disabled): the page then forgets the token on reload. */
function readStoredToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function storeToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Kept in memory only.
  }
}

/** The JSON payload of a JWT (its middle part, base64url), or null when the token is not one a reader can decode. */
function claimsOf(token) {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(parts[1].length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims !== null && typeof claims === "object" && !Array.isArray(claims) ? claims : null;
  } catch {
    return null;
  }
}

/** A claim that may be one value or many (identity providers differ), as a list of strings. */
const listClaim = (value) => (value === null || value === undefined ? [] : Array.isArray(value) ? value : [value]).map(String);

/**
 * Signs in with a token: the host checks it (GET /districts, which any signed-in caller may read) before
 * the page keeps it; then the kinds and the address the page was opened at load.
 */
async function startSession(token) {
  session.token = token;
  session.claims = claimsOf(token);
  session.ready = false;
  setSignInBusy(true, "Checking the sign-in\u2026");
  let districts;
  try {
    districts = await getJson("/districts");
  } catch (error) {
    if (isSettled(error)) return; // refused: the sign-in panel says why
    districts = [];
    showError(`The districts you may read could not be listed: ${error.message}`);
  } finally {
    setSignInBusy(false, "");
  }
  if (session.token !== token) return; // signed out (or in again) meanwhile

  storeToken(token);
  session.ready = true;
  session.districts = (Array.isArray(districts) ? districts : []).filter((d) => DISTRICT_PATTERN.test(d?.id ?? ""));
  fillDistricts();
  showSession();
  $("token-input").value = "";
  $("signin-view").hidden = true;
  lastSearchHref = searchHref({ district: defaultDistrict() });
  await loadKinds();
  if (session.token === token) route();
}

/** Forgets the token and everything read with it, and shows the sign-in panel with the reason. */
function signOut(reason, kind) {
  session.token = null;
  session.claims = null;
  session.districts = [];
  session.ready = false;
  storeToken(null);
  searchController?.abort();
  forgetCase();
  for (const name of Object.keys(KIND_LABELS)) delete KIND_LABELS[name];
  $("kind").replaceChildren(el("option", { value: "" }, "All kinds"));
  $("district").replaceChildren();
  $("results").replaceChildren();
  $("search-status").textContent = "";
  $("search-more").hidden = true;
  $("token-input").value = "";
  clearError();
  showSignIn(reason, kind);
}

function forgetCase() {
  promised.controller?.abort();
  clearInterval(promised.timer);
  rateController?.abort();
  current.loadController?.abort();
  current.pointController?.abort();
  clearTimeout(current.sliderTimer);
  Object.assign(current, {
    district: null, caseId: null, entries: new Map(), latest: 0, selected: 0, brokenAt: null,
    loadController: null, pointController: null,
  });
}

/** The sign-in panel, alone on the page; reason says why it is shown again (a refused token, a sign-out). */
function showSignIn(reason, kind = "refused") {
  $("search-view").hidden = true;
  $("case-view").hidden = true;
  $("session").hidden = true;
  $("signin-view").hidden = false;
  document.title = "Sign in \u2014 CaseLedger audit";

  const box = $("signin-reason");
  if (reason !== undefined) {
    box.textContent = reason;
    box.className = kind === "signed-out" ? "notice" : "alert";
    box.setAttribute("role", kind === "signed-out" ? "status" : "alert");
    box.dataset.kind = kind;
    box.hidden = false;
  }

  // A shared link names its district: the development sign-in offers it.
  const named = parseRoute().district;
  if (DISTRICT_PATTERN.test(named) && !$("dev-districts").value.trim()) $("dev-districts").value = named;
  offerDevelopmentSignIn();
}

function signInError(message) {
  const box = $("signin-reason");
  box.textContent = message;
  box.className = "alert";
  box.setAttribute("role", "alert");
  box.dataset.kind = "invalid";
  box.hidden = false;
}

function setSignInBusy(busy, message) {
  for (const button of $("signin-view").querySelectorAll("button")) button.disabled = busy;
  $("signin-status").textContent = message;
}

function showSession() {
  const claims = session.claims;
  const who = $("session-subject");
  if (claims) {
    const subject = claims.sub ? String(claims.sub) : "someone unnamed";
    who.textContent = claims.name && String(claims.name) !== subject ? `${claims.name} (${subject})` : subject;
  } else {
    who.textContent = "a token this page cannot read";
  }
  const roles = listClaim(claims?.role);
  const districts = listClaim(claims?.district);
  $("session-roles").textContent = roles.length > 0 ? roles.join(", ") : "none";
  $("session-districts").textContent = districts.length > 0 ? districts.join(", ") : "none";
  const expires = Number(claims?.exp);
  $("session-expiry").textContent = Number.isFinite(expires) && expires > 0
    ? `Until ${formatTime(new Date(expires * 1000).toISOString())} ${civilZone()}`
    : "";
  $("session").hidden = false;
  $("signin-reason").hidden = true;
}

async function onTokenSignIn(event) {
  event.preventDefault();
  // A pasted token may come wrapped over lines or with its scheme in front.
  const token = $("token-input").value.replace(/^\s*Bearer\s+/i, "").replace(/\s+/g, "");
  if (!token) {
    signInError("Paste a token first.");
    return;
  }
  // Only what a header may carry; the host judges the rest.
  if (!/^[A-Za-z0-9\-._~+/=]+$/.test(token)) {
    signInError("That is not a token: a bearer token is letters, digits and - . _ ~ + / = only.");
    return;
  }
  await startSession(token);
}

/**
 * Whether the host mints development tokens (POST /dev/tokens, the embedded default only): its API
 * description lists the operation when it does. Asked once; when the description cannot be read, the
 * form is offered and the host's answer to a sign-in decides.
 */
let developmentSignIn = null;

function offerDevelopmentSignIn() {
  developmentSignIn ??= fetch("/openapi/v1.json", { headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : null))
    .then((description) => description === null || Boolean(description?.paths?.["/dev/tokens"]?.post))
    .catch(() => true);
  developmentSignIn.then((offered) => {
    $("dev-form").hidden = !offered;
  });
}

function withdrawDevelopmentSignIn() {
  developmentSignIn = Promise.resolve(false);
  $("dev-form").hidden = true;
  signInError("This host has no development sign-in: it takes tokens from its identity provider. Paste one.");
}

async function onDevSignIn(event) {
  event.preventDefault();
  const subject = $("dev-subject").value.trim();
  const roles = [...$("dev-form").querySelectorAll("input[name=role]:checked")].map((box) => box.value);
  const districts = [...new Set($("dev-districts").value.split(/[\s,]+/).filter(Boolean))];
  const wrong = districts.find((d) => !DISTRICT_PATTERN.test(d));
  if (!subject) return signInError("Say who you are.");
  if (roles.length === 0) return signInError("Choose at least one role.");
  if (districts.length === 0) return signInError("Name at least one district, e.g. yuelu.");
  if (wrong !== undefined) return signInError(`'${wrong}' is not a district id: use lower-case letters, digits and dashes.`);

  setSignInBusy(true, "Signing in\u2026");
  let token;
  try {
    const response = await request("/dev/tokens", {
      method: "POST", anonymous: true, json: { subject, roles, districts, channel: $("dev-channel").value },
    });
    token = (await response.json()).token;
  } catch (error) {
    setSignInBusy(false, "");
    // No such endpoint: a 404, or a 401 where every unknown path needs a signed-in caller.
    if (error instanceof ApiError && [401, 404, 405].includes(error.status)) withdrawDevelopmentSignIn();
    else signInError(`The development sign-in failed: ${error.message}`);
    return;
  }
  if (typeof token !== "string" || !token) {
    setSignInBusy(false, "");
    signInError("The development sign-in answered without a token.");
    return;
  }
  await startSession(token);
}

// ---------------------------------------------------------------------------------------------------
// Wiring

$("search-form").addEventListener("submit", onSearchSubmit);
$("kind").addEventListener("change", () => $("search-form").requestSubmit());
$("timeline").addEventListener("click", onTimelineClick);
$("first").addEventListener("click", () => step(1));
$("previous").addEventListener("click", () => step(current.selected - 1));
$("next").addEventListener("click", () => step(current.selected + 1));
$("last").addEventListener("click", () => step(current.latest));
$("version-slider").addEventListener("input", onSliderInput);
$("reverify").addEventListener("click", () => {
  if (current.caseId) verify(current.loadController?.signal);
});
$("bundle-link").addEventListener("click", onBundleClick);
$("district").addEventListener("change", () => $("search-form").requestSubmit());
$("token-form").addEventListener("submit", onTokenSignIn);
$("dev-form").addEventListener("submit", onDevSignIn);
$("sign-out").addEventListener("click", () => signOut("You have signed out; the token is forgotten.", "signed-out"));
window.addEventListener("hashchange", route);

/** Fills the kind filter from the host's list of kinds, so the page knows every kind the host serves. */
async function loadKinds() {
  try {
    for (const kind of await getJson("/kinds")) {
      KIND_LABELS[kind.name] = kind.label;
      $("kind").append(el("option", { value: kind.name }, kind.label));
    }
  } catch (error) {
    if (isSettled(error)) return;
    showError(`The list of case kinds could not be read: ${error.message}`);
  }
}

const storedToken = readStoredToken();
if (storedToken) startSession(storedToken);
else showSignIn();
