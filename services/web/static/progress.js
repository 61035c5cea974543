// Keeps a page of pack generations current while they run: progress bars move, and the page
// reloads when a generation changes stage or ends. Without JavaScript the page has a link instead.
(() => {
  "use strict";
  const table = document.querySelector("table[data-renders]");
  if (!table) {
    return;
  }
  const rows = new Map(
    Array.from(table.querySelectorAll("tr[data-render]"), (row) => [row.dataset.render, row]),
  );
  const later = (delay) => window.setTimeout(check, delay);
  async function check() {
    let jobs;
    try {
      const answer = await fetch(table.dataset.renders, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!answer.ok) {
        later(5000);
        return;
      }
      jobs = await answer.json();
    } catch (error) {
      later(5000);
      return;
    }
    let changed = false;
    for (const job of jobs) {
      const row = rows.get(String(job.id));
      if (!row || row.dataset.status !== job.status || row.dataset.stage !== job.stage) {
        changed = true;
        continue;
      }
      const bar = row.querySelector("progress");
      if (bar) {
        bar.value = job.progress;
      }
    }
    if (changed) {
      window.location.reload();
    } else {
      later(1000);
    }
  }
  later(1000);
})();
