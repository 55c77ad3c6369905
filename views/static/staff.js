// The staff header: Escape hides the details shown when the name is
// hovered or focused (WCAG 1.4.13), until the pointer or focus leaves.
(function () {
  var who = document.querySelector(".staff-who");
  if (!who) return;
  function show() { who.classList.remove("dismissed"); }
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") who.classList.add("dismissed");
  });
  who.addEventListener("mouseleave", show);
  who.addEventListener("focusout", show);
})();
