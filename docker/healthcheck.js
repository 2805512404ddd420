// Container HEALTHCHECK: this container's own liveness endpoint, nothing else.
const port = Number(process.argv[2]);
const timer = setTimeout(() => process.exit(1), 4000);
fetch(`http://127.0.0.1:${port}/health/live`)
  .then((response) => process.exit(response.ok ? 0 : 1))
  .catch(() => process.exit(1))
  .finally(() => clearTimeout(timer));
