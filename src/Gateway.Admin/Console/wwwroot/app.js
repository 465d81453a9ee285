// The Gateway admin console: a client of the admin API (/api/v1) and nothing else. The API key lives in this tab's
// sessionStorage and goes out as a Bearer header; the API decides what each role may do, and the console offers only
// what the caller's roles allow (GET /api/v1/me).
import { showDashboard } from "./dashboard.js";
import { showPolicies, showPolicy } from "./policies.js";

const keyName = "gateway-console-api-key";
const main = document.getElementById("main");
// replaceChildren would print a null child as the text "null": optional parts are left out instead.
const show = (...nodes) => main.replaceChildren(...nodes.filter(n => n !== null && n !== undefined));
let me = null;

const el = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
};

async function api(path, options = {}) {
  const response = await fetch("/api/v1" + path, {
    ...options,
    headers: {
      "Authorization": "Bearer " + sessionStorage.getItem(keyName),
      ...(options.body ? { "Content-Type": "application/json" } : {}),
      ...(options.headers || {}),
    },
  });
  const text = await response.text();
  const body = text && (response.headers.get("Content-Type") || "").includes("json") ? JSON.parse(text) : text;
  if (!response.ok) {
    const detail = body && typeof body === "object" ? (body.detail || body.title) : body;
    const error = new Error(`${response.status}: ${detail || response.statusText}`);
    error.status = response.status;
    error.problem = body && typeof body === "object" ? body : null;
    throw error;
  }
  return body;
}

const can = (...roles) => me !== null && me.roles.some(r => roles.includes(r));
// Who may do what, as the API's authorization policies say (AdminPolicies): the console only hides what the API refuses anyway.
const readsAll = () => can("admin", "auditor");
const writesPolicy = () => can("admin", "policy-admin");
const home = () => (readsAll() ? "/console/dashboard" : "/console/policies");
const context = () => ({ el, api, can, navigate, main, show, writesPolicy, readsAll });

function navigate(path, replace = false) {
  if (replace) history.replaceState(null, "", path); else history.pushState(null, "", path);
  route();
}

async function signIn(key) {
  sessionStorage.setItem(keyName, key);
  try {
    me = await api("/me");
  } catch (error) {
    sessionStorage.removeItem(keyName);
    throw error;
  }
}

function signOut() {
  sessionStorage.removeItem(keyName);
  me = null;
  navigate("/console", true);
}

function showSignIn() {
  document.getElementById("nav").hidden = true;
  document.getElementById("sign-out").hidden = true;
  document.getElementById("who").textContent = "";
  const error = el("p", { id: "sign-in-error", class: "error", role: "alert" });
  const input = el("input", { id: "api-key", name: "api-key", type: "password", autocomplete: "off", required: true });
  const form = el("form", {
    id: "sign-in-form",
    onsubmit: async event => {
      event.preventDefault();
      try {
        await signIn(input.value.trim());
        navigate(location.pathname === "/console" || location.pathname === "/console/" ? home() : location.pathname + location.search, true);
      } catch (e) {
        error.textContent = "Sign-in failed: " + e.message;
      }
    },
  }, el("label", { for: "api-key", text: "API key" }), input, el("button", { type: "submit", text: "Sign in" }), error);
  show(el("section", { id: "sign-in" }, el("h1", { text: "Sign in" }),
    el("p", { text: "Paste an admin API key. It stays in this tab (sessionStorage) and is sent only to this gateway's admin API." }), form));
}

function showChrome() {
  document.getElementById("nav").hidden = false;
  document.getElementById("sign-out").hidden = false;
  document.getElementById("who").textContent = `${me.name} (${me.roles.join(", ")})`;
  for (const link of document.querySelectorAll("a[data-route]")) {
    link.classList.toggle("active", location.pathname.startsWith(link.getAttribute("href")));
    link.hidden = link.hasAttribute("data-read-all") && !readsAll();
  }
}

// ---- certificates ----

async function showCertificates() {
  const params = new URLSearchParams(location.search);
  const fields = ["subject", "san", "serial", "status", "profile", "protocol", "expiringWithinDays"];
  const inputs = {};
  for (const name of fields) {
    inputs[name] = name === "status"
      ? el("select", { id: "filter-status", name }, ...["", "valid", "revoked", "expired", "onhold"].map(s => el("option", { value: s, text: s || "any", selected: params.get(name) === s })))
      : name === "expiringWithinDays"
        ? el("input", { id: "filter-" + name, name, type: "number", min: 0, max: 3650, size: 5, value: params.get(name) || "" })
        : el("input", { id: "filter-" + name, name, value: params.get(name) || "" });
  }
  const form = el("form", {
    class: "filters",
    onsubmit: event => {
      event.preventDefault();
      const query = new URLSearchParams();
      for (const name of fields) if (inputs[name].value) query.set(name, inputs[name].value);
      navigate("/console/certificates?" + query.toString());
    },
  }, ...fields.map(name => el("div", {}, el("label", { for: "filter-" + name, text: name === "expiringWithinDays" ? "expires within (days)" : name }), inputs[name])),
    el("button", { type: "submit", text: "Search" }));
  const result = el("div", { id: "certificates" }, el("p", { text: "Loading…" }));
  show(el("h1", { text: "Certificates" }), form, result);

  try {
    const serial = params.get("serial");
    if (serial) {
      navigate("/console/certificates/" + encodeURIComponent(serial.trim().toLowerCase()), true);
      return;
    }
    const query = new URLSearchParams();
    for (const name of ["subject", "san", "status", "profile", "protocol", "expiringWithinDays"]) if (params.get(name)) query.set(name, params.get(name));
    query.set("pageSize", "100");
    const page = await api("/certificates?" + query.toString());
    const rows = page.items.map(c => el("tr", { class: "row", "data-serial": c.serial, onclick: () => navigate("/console/certificates/" + c.serial) },
      el("td", { text: c.serial }), el("td", { text: c.subject }), el("td", { text: (c.subjectAltNames || []).join(", ") }),
      el("td", { text: c.profile }), el("td", { text: c.protocol }), el("td", { class: "status-" + c.status, text: c.status }),
      el("td", { text: c.notAfter })));
    result.replaceChildren(el("p", { text: `${page.total} certificate(s)` }), el("table", {},
      el("thead", {}, el("tr", {}, ...["Serial", "Subject", "SANs", "Profile", "Protocol", "Status", "Not after"].map(h => el("th", { text: h })))),
      el("tbody", {}, ...rows)));
  } catch (e) {
    result.replaceChildren(el("p", { class: "error", role: "alert", text: e.message }));
  }
}

async function showCertificate(serial) {
  show(el("p", { text: "Loading…" }));
  let certificate, history;
  try {
    [certificate, history] = await Promise.all([api("/certificates/" + encodeURIComponent(serial)), api("/certificates/" + encodeURIComponent(serial) + "/history")]);
  } catch (e) {
    show(el("h1", { text: "Certificate " + serial }), el("p", { class: "error", role: "alert", text: e.message }));
    return;
  }
  const fields = el("dl", { class: "fields", id: "certificate-fields" });
  for (const [label, value] of [["Serial", certificate.serial], ["Subject", certificate.subject], ["SANs", (certificate.subjectAltNames || []).join(", ")],
    ["Issuer", certificate.issuer], ["Not before", certificate.notBefore], ["Not after", certificate.notAfter], ["Status", certificate.status],
    ["Revoked at", certificate.revokedAt], ["Reason", certificate.revocationReason], ["Profile", certificate.profile], ["Protocol", certificate.protocol],
    ["Requester", certificate.requester], ["SHA-256", certificate.sha256Fingerprint], ["Enrollment", certificate.enrollmentId]]) {
    if (value === null || value === undefined || value === "") continue;
    fields.append(el("dt", { text: label }), el("dd", { class: label === "Status" ? "status-" + value : null, id: label === "Status" ? "certificate-status" : null, text: String(value) }));
  }
  const pem = certificate.certificate || null;
  const download = pem ? el("a", { id: "download-pem", href: URL.createObjectURL(new Blob([pem], { type: "application/x-pem-file" })), download: serial + ".pem", text: "Download PEM" }) : null;
  const events = el("table", { id: "history" }, el("thead", {}, el("tr", {}, ...["Time", "Event", "Actor", "Details"].map(h => el("th", { text: h })))),
    el("tbody", {}, ...(Array.isArray(history) ? history : history.items || []).map(h => el("tr", {},
      el("td", { text: h.time }), el("td", { text: h.type }), el("td", { text: h.actor }),
      el("td", { text: JSON.stringify(h.details) })))));
  const revoke = can("admin") && certificate.status !== "Revoked" && certificate.status !== "revoked" ? revokePanel(serial) : null;
  show(el("h1", { text: "Certificate " + serial }), fields, download, revoke, el("div", { class: "panel" }, el("h2", { text: "History" }), events));
}

function revokePanel(serial) {
  const reason = el("select", { id: "revoke-reason" }, ...["unspecified", "keyCompromise", "affiliationChanged", "superseded", "cessationOfOperation", "certificateHold", "privilegeWithdrawn"]
    .map(r => el("option", { value: r, text: r })));
  const message = el("p", { id: "revoke-message", role: "status" });
  const confirm = el("div", { class: "confirm hidden", id: "revoke-confirm" },
    el("p", { id: "revoke-question" }),
    el("button", { type: "button", class: "danger", id: "revoke-confirm-button", onclick: async () => {
      try {
        await api("/certificates/" + encodeURIComponent(serial) + "/revoke", { method: "POST", body: JSON.stringify({ reason: reason.value }) });
        await showCertificate(serial);
      } catch (e) {
        message.textContent = "Revocation failed: " + e.message;
        message.className = "error";
      }
    }, text: "Yes, revoke it" }),
    el("button", { type: "button", id: "revoke-cancel", onclick: () => confirm.classList.add("hidden"), text: "Cancel" }));
  return el("div", { class: "panel", id: "revoke-panel" }, el("h2", { text: "Revoke" }), el("label", { for: "revoke-reason", text: "Reason" }), reason,
    el("button", { type: "button", id: "revoke-button", onclick: () => {
      document.getElementById("revoke-question").textContent = `Revoke certificate ${serial} with reason ${reason.value}? This cannot be undone (except a certificateHold where the profile allows it).`;
      confirm.classList.remove("hidden");
    }, text: "Revoke…" }), confirm, message);
}

// ---- approvals ----

async function showApprovals(notice) {
  const message = el("p", { id: "approvals-message", role: "status", text: notice || "" });
  const result = el("div", { id: "approvals" }, el("p", { text: "Loading…" }));
  show(el("h1", { text: "Pending approvals" }), message, result);
  let page;
  try {
    page = await api("/enrollments?status=pending&pageSize=100");
  } catch (e) {
    result.replaceChildren(el("p", { class: "error", role: "alert", text: e.message }));
    return;
  }
  if (page.items.length === 0) {
    result.replaceChildren(el("p", { text: "Nothing waits for approval." }));
    return;
  }
  const act = async (id, verb, body) => {
    try {
      const answer = await api(`/enrollments/${encodeURIComponent(id)}/${verb}`, { method: "POST", body: body ? JSON.stringify(body) : undefined });
      await showApprovals(`${id}: ${verb === "approve" ? "approved" : "denied"} (${answer.status || "done"}${answer.serial ? ", certificate " + answer.serial : ""})`);
    } catch (e) {
      message.textContent = `${verb} failed: ${e.message}`;
      message.className = "error";
    }
  };
  const rows = page.items.map(e => {
    const comment = el("input", { placeholder: "comment (recorded)", maxlength: 1000, "data-comment": e.id, "aria-label": "Comment on approving or denying " + e.id });
    const actions = can("admin")
      ? el("td", {}, comment, " ",
          el("button", { type: "button", "data-approve": e.id, onclick: () => act(e.id, "approve", comment.value.trim() ? { comment: comment.value.trim() } : null), text: "Approve" }), " ",
          el("button", { type: "button", class: "danger", "data-deny": e.id, onclick: () => act(e.id, "deny", { reason: comment.value.trim() || null }), text: "Deny" }))
      : el("td", { text: "—" });
    return el("tr", { "data-enrollment": e.id },
      el("td", { text: e.id }), el("td", { text: e.requestedAt }), el("td", { text: e.profile }), el("td", { text: e.protocol }),
      el("td", { text: e.requester }), el("td", { text: e.subject }), el("td", { text: (e.subjectAltNames || []).join(", ") }),
      el("td", { text: [e.decidingRule, e.message].filter(Boolean).join(": ") }), actions);
  });
  result.replaceChildren(el("table", {},
    el("thead", {}, el("tr", {}, ...["Enrollment", "Requested", "Profile", "Protocol", "Requester", "Subject", "SANs", "What the policy said", ""].map(h => el("th", { text: h })))),
    el("tbody", {}, ...rows)));
}

// ---- enrollment credentials ----

async function showCredentials(created) {
  const message = el("p", { id: "credentials-message", role: "status" });
  const secret = created ? el("div", { class: "confirm", id: "created-credential" },
    el("p", { text: `Credential ${created.id} for ${created.profile}. Its secret is shown only now: copy it.` }),
    el("input", { id: "created-secret", value: created.secret, readonly: true, size: 64 }),
    el("button", { type: "button", id: "copy-secret", onclick: async () => {
      try { await navigator.clipboard.writeText(created.secret); message.textContent = "Copied."; } catch { message.textContent = "Select the secret and copy it."; }
    }, text: "Copy" })) : null;
  const form = can("admin") ? (() => {
    const profile = el("input", { id: "credential-profile", required: true });
    const maxUses = el("input", { id: "credential-max-uses", type: "number", min: 1 });
    const description = el("input", { id: "credential-description" });
    return el("form", { class: "filters", id: "credential-form", onsubmit: async event => {
      event.preventDefault();
      try {
        const answer = await api("/credentials", { method: "POST", body: JSON.stringify({
          profile: profile.value.trim(), maxUses: maxUses.value ? Number(maxUses.value) : null, description: description.value || null }) });
        await showCredentials(answer);
      } catch (e) {
        message.textContent = "Creation failed: " + e.message;
        message.className = "error";
      }
    } }, el("div", {}, el("label", { for: "credential-profile", text: "profile" }), profile),
      el("div", {}, el("label", { for: "credential-max-uses", text: "max uses" }), maxUses),
      el("div", {}, el("label", { for: "credential-description", text: "description" }), description),
      el("button", { type: "submit", text: "Create" }));
  })() : null;
  const result = el("div", { id: "credentials" }, el("p", { text: "Loading…" }));
  show(el("h1", { text: "Enrollment credentials" }), secret, form, message, result);
  try {
    const page = await api("/credentials?pageSize=100");
    const rows = page.items.map(c => el("tr", { "data-credential": c.id },
      el("td", { text: c.id }), el("td", { text: c.profile }), el("td", { class: "status-" + c.status, text: c.status }),
      el("td", { text: c.maxUses === null ? `${c.uses} / unlimited` : `${c.uses} / ${c.maxUses}` }), el("td", { text: c.expiresAt || "" }),
      el("td", { text: c.description || "" }),
      can("admin") && c.status !== "Revoked" && c.status !== "revoked"
        ? el("td", {}, el("button", { type: "button", class: "danger", "data-revoke-credential": c.id, onclick: async () => {
            try { await api("/credentials/" + encodeURIComponent(c.id), { method: "DELETE" }); await showCredentials(); }
            catch (e) { message.textContent = "Revocation failed: " + e.message; message.className = "error"; }
          }, text: "Revoke" }))
        : el("td", { text: "" })));
    result.replaceChildren(el("table", {},
      el("thead", {}, el("tr", {}, ...["Id", "Profile", "Status", "Uses", "Expires", "Description", ""].map(h => el("th", { text: h })))),
      el("tbody", {}, ...rows)));
  } catch (e) {
    result.replaceChildren(el("p", { class: "error", role: "alert", text: e.message }));
  }
}

// ---- routing ----

async function route() {
  if (!sessionStorage.getItem(keyName)) { showSignIn(); return; }
  if (me === null) {
    try { me = await api("/me"); } catch { sessionStorage.removeItem(keyName); showSignIn(); return; }
  }
  showChrome();
  const path = location.pathname.replace(/\/+$/, "");
  const certificate = path.match(/^\/console\/certificates\/([0-9a-fA-F]+)$/);
  const policy = path.match(/^\/console\/policies\/([^/]+)$/);
  if (certificate) await showCertificate(certificate[1].toLowerCase());
  else if (path === "/console/certificates") await showCertificates();
  else if (path === "/console/dashboard") await showDashboard(context());
  else if (path === "/console/policies") await showPolicies(context());
  else if (policy) await showPolicy(context(), decodeURIComponent(policy[1]));
  else if (path === "/console/approvals") await showApprovals();
  else if (path === "/console/credentials") await showCredentials();
  else { navigate(home(), true); return; }
  showChrome();
}

document.getElementById("sign-out").addEventListener("click", signOut);
document.addEventListener("click", event => {
  const link = event.target.closest("a[data-route]");
  if (link) { event.preventDefault(); navigate(link.getAttribute("href")); }
});
window.addEventListener("popstate", route);
route();
