// Progress of background jobs in the admin (roster imports, reports). Every element with
// data-progress-url is polled; its [data-progress-bar], [data-progress-percent] and
// [data-progress-status] follow the job, and the page reloads when a job finishes.
(function () {
    async function poll() {
        const jobs = document.querySelectorAll("[data-progress-url]");
        if (!jobs.length) { return; }
        for (const job of jobs) {
            const reply = await fetch(job.dataset.progressUrl, {credentials: "same-origin"});
            if (!reply.ok) { continue; }
            const state = await reply.json();
            if (!state.running) { window.location.reload(); return; }
            job.querySelector("[data-progress-bar]").value = state.progress;
            job.querySelector("[data-progress-percent]").textContent = state.progress + "%";
            job.querySelector("[data-progress-status]").textContent = state.status_label;
        }
        setTimeout(poll, 1500);
    }
    setTimeout(poll, 1500);
})();
