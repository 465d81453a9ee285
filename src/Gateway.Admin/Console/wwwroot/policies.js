// Policies: the profiles (GET /api/v1/profiles), one profile's YAML in an editor with line numbers. Validation
// (POST .../validate) runs as you pause typing and before saving; its errors are marked at their line and listed, and
// a click on one puts the cursor there. Save is PUT (a document with errors is refused and nothing changes). A dry run
// evaluates a pasted CSR against the document as edited, unsaved (POST .../dry-run with "document"). Versions show
// their diff against the version before, and roll back (POST .../rollback) after a confirmation.
const newProfileTemplate = name => `# ${name}: a new profile. Edit, validate, dry-run, then save.
name: ${name}
description: ""
protocols: [admin]
authentication: [api-key]
keys:
  ec: [P-256]
san:
  dns:
    allow: ["*.example.test"]
  onDisallowed: refuse
validity:
  default: 30d
  max: 30d
extensions:
  keyUsage: [digitalSignature]
  extendedKeyUsage: [serverAuth]
approval: automatic
`;

export async function showPolicies({ el, api, navigate, show, writesPolicy }) {
  const result = el("div", { id: "policies" }, el("p", { text: "Loading…" }));
  const create = writesPolicy() ? (() => {
    const name = el("input", { id: "new-profile-name", required: true, pattern: "[A-Za-z0-9][A-Za-z0-9._-]{0,63}", placeholder: "new-profile-name" });
    return el("form", { class: "filters", id: "new-profile-form", onsubmit: event => {
      event.preventDefault();
      navigate("/console/policies/" + encodeURIComponent(name.value.trim().toLowerCase()) + "?new=1");
    } }, el("div", {}, el("label", { for: "new-profile-name", text: "new profile" }), name), el("button", { type: "submit", text: "Create…" }));
  })() : null;
  show(el("h1", { text: "Policies" }), create, result);
  try {
    const profiles = await api("/profiles");
    result.replaceChildren(el("table", {},
      el("thead", {}, el("tr", {}, ...["Profile", "Version", "Description", "Protocols", "Authentication", "Updated", "By", "Source"].map(h => el("th", { text: h })))),
      el("tbody", {}, ...profiles.map(p => el("tr", { class: "row", "data-profile": p.name, onclick: () => navigate("/console/policies/" + encodeURIComponent(p.name)) },
        el("td", { text: p.name }), el("td", { text: String(p.version) }), el("td", { text: p.description }), el("td", { text: p.protocols.join(", ") }),
        el("td", { text: p.authentication.join(", ") }), el("td", { text: p.updatedAt }), el("td", { text: p.author }), el("td", { text: p.source }))))));
  } catch (e) {
    result.replaceChildren(el("p", { class: "error", role: "alert", text: e.message }));
  }
}

/** A textarea with a line-number gutter; lines with errors are marked in the gutter. */
function editor(el, text, readOnly, onInput) {
  const gutter = el("div", { class: "gutter", "aria-hidden": "true" });
  const area = el("textarea", { id: "profile-editor", spellcheck: "false", wrap: "off", "aria-label": "Profile YAML", readonly: readOnly || null });
  area.value = text;
  let marked = new Map();
  const render = () => {
    const lines = area.value.split("\n").length;
    const rows = [];
    for (let i = 1; i <= lines; i++) {
      const message = marked.get(i);
      rows.push(el("div", { class: message ? "line-error" : null, "data-line": i, title: message || null, text: String(i) }));
    }
    gutter.replaceChildren(...rows);
    gutter.scrollTop = area.scrollTop;
  };
  area.addEventListener("scroll", () => { gutter.scrollTop = area.scrollTop; });
  area.addEventListener("input", () => { render(); onInput(); });
  area.addEventListener("keydown", event => {
    if (event.key === "Tab" && !readOnly) {
      event.preventDefault();
      area.setRangeText("  ", area.selectionStart, area.selectionEnd, "end");
      render();
      onInput();
    }
  });
  render();
  return {
    node: el("div", { class: "editor" }, gutter, area),
    area,
    mark(errors) {
      marked = new Map();
      for (const e of errors) if (e.line > 0) marked.set(e.line, (marked.has(e.line) ? marked.get(e.line) + "\n" : "") + e.message);
      render();
    },
    goTo(line, column) {
      const lines = area.value.split("\n");
      let offset = 0;
      for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
      const lineLength = (lines[line - 1] || "").length;
      area.focus();
      area.setSelectionRange(offset + Math.min(Math.max(column - 1, 0), lineLength), offset + lineLength);
      const lineHeight = area.scrollHeight / Math.max(1, lines.length);
      area.scrollTop = Math.max(0, (line - 5) * lineHeight);
    },
  };
}

export async function showPolicy(ctx, name) {
  const { el, api, navigate, show, writesPolicy } = ctx;
  const isNew = new URLSearchParams(location.search).get("new") === "1";
  show(el("p", { text: "Loading…" }));
  let profile = null, versions = [];
  try {
    [profile, versions] = await Promise.all([api("/profiles/" + encodeURIComponent(name)), api("/profiles/" + encodeURIComponent(name) + "/versions")]);
  } catch (e) {
    if (!(e.status === 404 && isNew && writesPolicy())) {
      show(el("h1", { text: "Profile " + name }), el("p", { class: "error", role: "alert", text: e.message }));
      return;
    }
  }
  const canWrite = writesPolicy();
  const status = el("p", { id: "editor-status", role: "status" });
  const errorList = el("ul", { id: "editor-errors", class: "errors" });
  let validated = 0;
  let timer = null;
  const ed = editor(el, profile ? profile.document : newProfileTemplate(name), !canWrite, () => {
    status.textContent = "Edited, not saved.";
    status.className = "";
    clearTimeout(timer);
    timer = setTimeout(() => validate(false), 700);
  });

  const showErrors = (errors, what) => {
    ed.mark(errors);
    errorList.replaceChildren(...errors.map(e => el("li", {},
      el("a", { href: "#", "data-error-line": e.line, onclick: event => { event.preventDefault(); ed.goTo(e.line, e.column); },
        text: `Line ${e.line}, column ${e.column}` }),
      el("span", { text: ` ${e.field ? e.field + ": " : ""}${e.message}` }))));
    if (errors.length > 0) {
      status.textContent = `${what}: ${errors.length} error${errors.length === 1 ? "" : "s"}; nothing was saved.`;
      status.className = "error";
    }
  };
  const yaml = () => ({ method: "POST", body: ed.area.value, headers: { "Content-Type": "application/yaml" } });
  const problemErrors = e => (e.problem && Array.isArray(e.problem.errors) ? e.problem.errors : null);

  async function validate(explicit) {
    const ticket = ++validated;
    try {
      await api("/profiles/" + encodeURIComponent(name) + "/validate", yaml());
      if (ticket !== validated) return true;
      showErrors([], "");
      status.textContent = explicit ? "Valid. Not saved yet." : "Valid (not saved).";
      status.className = "ok";
      return true;
    } catch (e) {
      if (ticket !== validated) return false;
      const errors = problemErrors(e);
      if (errors) showErrors(errors, "Invalid");
      else { status.textContent = "Validation failed: " + e.message; status.className = "error"; }
      return false;
    }
  }

  async function save() {
    clearTimeout(timer);
    validated++;
    try {
      const saved = await api("/profiles/" + encodeURIComponent(name), { ...yaml(), method: "PUT" });
      showErrors([], "");
      if (isNew) { navigate("/console/policies/" + encodeURIComponent(name), true); return; }
      await showPolicy(ctx, name);
      const after = document.getElementById("editor-status");
      after.textContent = saved.change === "unchanged" ? `Unchanged: version ${saved.version} already has this document.` : `Saved as version ${saved.version}.`;
      after.className = "ok";
    } catch (e) {
      const errors = problemErrors(e);
      if (errors) showErrors(errors, "Not saved");
      else { status.textContent = "Save failed: " + e.message; status.className = "error"; }
    }
  }

  // ---- dry run against the edited document ----
  const csr = el("textarea", { id: "dry-run-csr", rows: 6, spellcheck: "false", placeholder: "-----BEGIN CERTIFICATE REQUEST-----" });
  const protocol = el("select", { id: "dry-run-protocol" }, ...["", "admin", "est", "scep", "cmp", "acme"].map(p => el("option", { value: p, text: p || "profile's default" })));
  const dryResult = el("div", { id: "dry-run-result" });
  const dryRun = async () => {
    dryResult.replaceChildren(el("p", { text: "Evaluating…" }));
    try {
      const r = await api("/profiles/" + encodeURIComponent(name) + "/dry-run", { method: "POST",
        body: JSON.stringify({ csr: csr.value, protocol: protocol.value || null, document: ed.area.value }) });
      const t = r.template;
      dryResult.replaceChildren(...[
        el("p", {}, el("span", { id: "dry-run-decision", class: "decision decision-" + r.decision, text: r.decision }),
          el("span", { text: ` ${r.reason ? "(" + r.reason + ") " : ""}${r.summary}` })),
        el("p", { class: "note", text: `Version ${r.version}${r.unsaved ? " (unsaved)" : ""}, protocol ${r.protocol}, requester ${r.requester}. ${r.note}` }),
        el("table", { id: "dry-run-rules" }, el("thead", {}, el("tr", {}, ...["Rule", "Effect", "Reason"].map(h => el("th", { text: h })))),
          el("tbody", {}, ...r.firedRules.map(f => el("tr", { "data-rule": f.rule }, el("td", { text: f.rule }), el("td", { class: "decision-" + f.effect, text: f.effect }),
            el("td", { text: f.reason }))))),
        t ? el("dl", { class: "fields", id: "dry-run-template" },
          ...[["Subject", t.subject], ["SANs", t.subjectAltNames.join(", ")], ["Not before", t.notBefore], ["Not after", t.notAfter],
            ["Key usage", t.keyUsage.join(", ")], ["Extended key usage", t.extendedKeyUsage.join(", ")], ["Issuer", t.issuer]]
            .flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v || "—" })])) : null].filter(Boolean));
    } catch (e) {
      const errors = problemErrors(e);
      if (errors) {
        showErrors(errors, "The edited document is invalid");
        dryResult.replaceChildren(el("p", { class: "error", role: "alert", text: "Not evaluated: fix the document's errors first." }));
      } else {
        dryResult.replaceChildren(el("p", { class: "error", role: "alert", text: e.message }));
      }
    }
  };

  // ---- versions, diff, rollback ----
  const diff = el("pre", { id: "version-diff", class: "diff" });
  const versionMessage = el("p", { id: "version-message", role: "status" });
  const showVersion = v => {
    for (const row of document.querySelectorAll("#versions tr.selected")) row.classList.remove("selected");
    document.querySelector(`#versions tr[data-version='${v.version}']`)?.classList.add("selected");
    diff.replaceChildren(...v.diff.split("\n").map(line => el("span", {
      class: line.startsWith("+") && !line.startsWith("+++") ? "add" : line.startsWith("-") && !line.startsWith("---") ? "del" : line.startsWith("@@") ? "hunk" : null,
      text: line + "\n" })));
    const current = profile && v.version === profile.version;
    rollbackPanel.replaceChildren(...(canWrite && !current ? [
      el("button", { type: "button", id: "rollback-button", "data-version": v.version, onclick: () => confirmRollback.classList.remove("hidden"), text: `Roll back to version ${v.version}…` }),
      confirmRollback] : []));
    confirmRollback.classList.add("hidden");
    confirmRollback.replaceChildren(
      el("p", { text: `Make version ${v.version}'s document the current one? It is stored as a new version ${profile.version + 1}; nothing is lost.` }),
      el("button", { type: "button", class: "danger", id: "rollback-confirm", onclick: async () => {
        try {
          const rolled = await api("/profiles/" + encodeURIComponent(name) + "/rollback", { method: "POST", body: JSON.stringify({ version: v.version }) });
          await showPolicy(ctx, name);
          const m = document.getElementById("version-message");
          m.textContent = rolled.change === "unchanged" ? `Unchanged: the current version already has version ${v.version}'s document.`
            : `Rolled back to version ${v.version}: now version ${rolled.version}.`;
          m.className = "ok";
        } catch (e) {
          versionMessage.textContent = "Rollback failed: " + e.message;
          versionMessage.className = "error";
        }
      }, text: "Yes, roll back" }),
      el("button", { type: "button", onclick: () => confirmRollback.classList.add("hidden"), text: "Cancel" }));
  };
  const rollbackPanel = el("div", { id: "rollback-panel" });
  const confirmRollback = el("div", { class: "confirm hidden", id: "rollback-confirmation" });
  const versionTable = el("table", { id: "versions" },
    el("thead", {}, el("tr", {}, ...["Version", "At", "By", "Source"].map(h => el("th", { text: h })))),
    el("tbody", {}, ...[...versions].reverse().map(v => el("tr", { class: "row", "data-version": v.version, onclick: () => showVersion(v) },
      el("td", { text: String(v.version) + (profile && v.version === profile.version ? " (current)" : "") }), el("td", { text: v.at }),
      el("td", { text: v.author }), el("td", { text: v.source + (v.rolledBackTo ? ` (to ${v.rolledBackTo})` : "") })))));

  const buttons = el("div", { class: "toolbar" },
    el("button", { type: "button", id: "validate-button", onclick: () => validate(true), text: "Validate" }),
    canWrite ? el("button", { type: "button", id: "save-button", class: "primary", onclick: save, text: isNew && !profile ? "Create profile" : "Save" }) : null,
    el("button", { type: "button", id: "revert-button", onclick: () => showPolicy(ctx, name), text: "Discard changes" }));
  show(
    el("h1", { text: "Profile " + name + (profile ? ` — version ${profile.version}` : " (new, not saved)") }),
    profile ? el("p", { class: "note", text: `${profile.description ? profile.description + ". " : ""}Updated ${profile.updatedAt} by ${profile.author} (${profile.source}).` }) : null,
    canWrite ? null : el("p", { class: "note", text: "Read-only: your key may validate and dry-run, not save." }),
    el("div", { class: "panel" }, buttons, status, ed.node, errorList),
    el("div", { class: "panel" }, el("h2", { text: "Dry run against the edited document" }),
      el("p", { class: "note", text: "Paste a PEM CSR: it is evaluated against the document above as it is now, unsaved. Nothing is issued or recorded." }),
      csr, el("div", { class: "toolbar" }, el("label", { for: "dry-run-protocol", text: "protocol" }), protocol,
        el("button", { type: "button", id: "dry-run-button", onclick: dryRun, text: "Dry run" })), dryResult),
    profile ? el("div", { class: "panel" }, el("h2", { text: "Versions" }), versionMessage, el("div", { class: "split" },
      el("div", { class: "half" }, versionTable), el("div", { class: "half" }, rollbackPanel, diff))) : null);
  if (versions.length > 0) showVersion(versions[versions.length - 1]);
}
