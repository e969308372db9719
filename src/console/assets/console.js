// Renders the plan diagrams of the configuration page with the bundled mermaid (no network).
window.addEventListener('DOMContentLoaded', function () {
  if (!window.mermaid) return;
  window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral' });
  window.mermaid.run({ querySelector: 'pre.mermaid' }).then(
    function () {
      document.body.setAttribute('data-mermaid', 'done');
    },
    function (err) {
      document.body.setAttribute('data-mermaid', 'failed');
      console.error(err);
    },
  );
});
