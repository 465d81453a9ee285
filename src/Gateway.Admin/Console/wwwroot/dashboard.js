// Dashboard: GET /api/v1/dashboard (aggregated by the store). The chart is plain SVG drawn here: issued certificates
// per hour or day, stacked by protocol; tables by profile and protocol; pending approvals, expiring certificates and
// the latest rejections with their reasons.
const svgNs = "http://www.w3.org/2000/svg";
const palette = { admin: "#3d5a98", est: "#0e8a6a", scep: "#c9821a", cmp: "#8a3d98", acme: "#c23b3b" };
const fallbackColours = ["#55708f", "#7a9a3a", "#a35f7c", "#3a8fa3"];

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

const colour = (protocol, index) => palette[protocol] || fallbackColours[index % fallbackColours.length];

function label(date, bucket) {
  const iso = date.toISOString();
  return bucket === "hour" ? iso.slice(11, 16) : iso.slice(5, 10);
}

/** Stacked bars, one per bucket from `from` to `to` (empty buckets drawn as gaps), one colour per protocol. */
export function issuanceChart(data) {
  const step = data.bucket === "hour" ? 3600e3 : 86400e3;
  const from = Date.parse(data.from), to = Date.parse(data.to);
  const starts = [];
  for (let t = from; t < to; t += step) starts.push(t);
  const protocols = [...new Set(data.issued.map(b => b.protocol))].sort();
  const cells = new Map();
  for (const b of data.issued) {
    const key = Date.parse(b.start) + "|" + b.protocol;
    cells.set(key, (cells.get(key) || 0) + b.count);
  }
  const totals = starts.map(t => protocols.reduce((sum, p) => sum + (cells.get(t + "|" + p) || 0), 0));
  const max = Math.max(1, ...totals);
  const width = 960, height = 260, left = 48, bottom = 28, top = 12, right = 12;
  const plotW = width - left - right, plotH = height - top - bottom;
  const barW = plotW / Math.max(1, starts.length);
  const chart = svg("svg", { id: "issuance-chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `Certificates issued per ${data.bucket}, by protocol` });
  // Axis and three gridlines with their values.
  for (const fraction of [0, 0.5, 1]) {
    const y = top + plotH - fraction * plotH;
    chart.append(svg("line", { x1: left, x2: width - right, y1: y, y2: y, stroke: "#d5dae1" }),
      svg("text", { x: left - 6, y: y + 4, "text-anchor": "end", "font-size": 11, fill: "#4a5568", text: String(Math.round(fraction * max)) }));
  }
  starts.forEach((t, i) => {
    let y = top + plotH;
    const x = left + i * barW;
    protocols.forEach((p, pi) => {
      const n = cells.get(t + "|" + p) || 0;
      if (n === 0) return;
      const h = (n / max) * plotH;
      y -= h;
      chart.append(svg("rect", { x: x + barW * 0.12, y, width: Math.max(1, barW * 0.76), height: h, fill: colour(p, pi), "data-protocol": p, "data-count": n },
        svg("title", { text: `${new Date(t).toISOString().replace(".000Z", "Z")}: ${n} ${p}` })));
    });
    const every = Math.ceil(starts.length / 12);
    if (i % every === 0) {
      chart.append(svg("text", { x: x + barW / 2, y: height - 8, "text-anchor": "middle", "font-size": 11, fill: "#4a5568", text: label(new Date(t), data.bucket) }));
    }
  });
  const legend = svg("g", {});
  protocols.forEach((p, i) => {
    legend.append(svg("rect", { x: left + i * 90, y: 0, width: 10, height: 10, fill: colour(p, i) }),
      svg("text", { x: left + i * 90 + 14, y: 9, "font-size": 11, fill: "#1d2430", text: p }));
  });
  chart.append(legend);
  return chart;
}

export async function showDashboard({ el, api, navigate, show }) {
  const params = new URLSearchParams(location.search);
  const range = ["24h", "7d", "30d"].includes(params.get("range")) ? params.get("range") : "24h";
  const ranges = el("div", { class: "ranges", id: "dashboard-ranges" }, ...["24h", "7d", "30d"].map(r =>
    el("button", { type: "button", class: r === range ? "selected" : null, "data-range": r, onclick: () => navigate("/console/dashboard?range=" + r), text: r })));
  const body = el("div", { id: "dashboard" }, el("p", { text: "Loading…" }));
  show(el("h1", { text: "Dashboard" }), ranges, body);
  let data;
  try {
    data = await api("/dashboard?range=" + range);
  } catch (e) {
    body.replaceChildren(el("p", { class: "error", role: "alert", text: e.message }));
    return;
  }
  const card = (id, title, value, href) => el("a", { class: "card", id, href, "data-route": href ? "" : null },
    el("span", { class: "card-value", text: String(value) }), el("span", { class: "card-title", text: title }));
  const cards = el("div", { class: "cards" },
    card("card-issued", `issued in ${range}`, data.issuedTotal, null),
    card("card-pending", "pending approvals", data.pendingApprovals, "/console/approvals"),
    card("card-expiring-7", "expiring within 7 days", data.expiring.within7Days, "/console/certificates?expiringWithinDays=7"),
    card("card-expiring-30", "expiring within 30 days", data.expiring.within30Days, "/console/certificates?expiringWithinDays=30"));
  const totals = (title, id, map) => el("div", { class: "panel half" }, el("h2", { text: title }),
    Object.keys(map).length === 0 ? el("p", { text: "None." }) : el("table", { id },
      el("thead", {}, el("tr", {}, el("th", { text: title.replace("By ", "") }), el("th", { text: "Issued" }))),
      el("tbody", {}, ...Object.entries(map).sort((a, b) => b[1] - a[1]).map(([k, v]) => el("tr", { "data-key": k }, el("td", { text: k }), el("td", { text: String(v) }))))));
  const rejections = data.recentRejections.length === 0 ? el("p", { text: "No rejections in this range." }) : el("table", { id: "recent-rejections" },
    el("thead", {}, el("tr", {}, ...["Requested", "Enrollment", "Profile", "Protocol", "Requester", "Subject", "Reason", "Rule / decided by", "Message"].map(h => el("th", { text: h })))),
    el("tbody", {}, ...data.recentRejections.map(r => el("tr", { "data-enrollment": r.enrollmentId },
      el("td", { text: r.requestedAt }), el("td", { text: r.enrollmentId }), el("td", { text: r.profile }), el("td", { text: r.protocol }),
      el("td", { text: r.requester }), el("td", { text: r.subject }), el("td", { class: "status-revoked", text: r.reason || "" }),
      el("td", { text: [r.decidingRule, r.decidedBy].filter(Boolean).join(" / ") }), el("td", { text: r.message || "" })))));
  body.replaceChildren(cards,
    el("div", { class: "panel" }, el("h2", { text: `Issued per ${data.bucket} (UTC), by protocol` }), issuanceChart(data)),
    el("div", { class: "split" }, totals("By profile", "issued-by-profile", data.issuedByProfile), totals("By protocol", "issued-by-protocol", data.issuedByProtocol)),
    el("div", { class: "panel" }, el("h2", { text: "Recent rejections" }), rejections));
}
