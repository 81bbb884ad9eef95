// Progressive enhancement only: every page works without this file.

// Follow-up questions open as soon as an answer that opens them is chosen. NHS.UK's conditional reveal
// ties one radio to one block; here several answers open the same block (funding "ARRS" or "fixed
// term"…), so the block lists its opening answers and NHS.UK's own classes show and hide it.
for (const followUp of document.querySelectorAll("[data-app-opened-by]")) {
  const inputs = [...document.getElementsByName(followUp.dataset.appOpenedBy)];
  const opening = followUp.dataset.appOpening.split(" ");
  const sync = () => {
    const open = inputs.some((input) => input.checked && opening.includes(input.value));
    followUp.classList.remove("nhsuk-u-frontend-not-supported-hidden");
    followUp.classList.toggle("nhsuk-radios__conditional--hidden", !open);
  };
  // No aria-controls: NHS.UK's radios would then take the block over, one radio at a time. The block
  // comes straight after the question in the page, so it is the next thing read once open.
  for (const input of inputs) input.addEventListener("change", sync);
  window.addEventListener("pageshow", sync);
  sync();
}
