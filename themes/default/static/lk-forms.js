/* deform's widgets without inline script (the Content-Security-Policy admits
   none): what deform's templates did in <script> blocks and onclick
   attributes, done here from the markup of themes/default/deform/.
   Loaded after jQuery and deform.js on pages with a form (TemplateAPI.form_scripts). */
(function () {
  "use strict";

  function sequenceState(seq) {
    var before = $(seq).find(".deform-insert-before").last();
    return {
      min: parseInt(before.attr("min_len") || "0", 10),
      max: parseInt(before.attr("max_len") || "9999", 10),
      now: parseInt(before.attr("now_len") || "0", 10),
      orderable: parseInt(before.attr("orderable") || "0", 10)
    };
  }

  function setSequenceButtons(root) {
    $(root).find(".deform-seq").addBack(".deform-seq").each(function () {
      var state = sequenceState(this);
      deform.processSequenceButtons($(this), state.min, state.max, state.now, state.orderable);
    });
  }

  function applyMasks(root) {
    if (!$.fn.mask) {
      return;
    }
    $(root).find("input[data-mask]").each(function () {
      var input = $(this);
      input.mask(input.attr("data-mask"), {placeholder: input.attr("data-mask-placeholder") || "_"});
    });
  }

  $(document).on("click", ".deform-seq-add", function (event) {
    event.preventDefault();
    var seq = $(this).closest(".deform-seq");
    deform.appendSequenceItem(this);
    setSequenceButtons(seq.find(".deform-seq-item").last());
    applyMasks(seq);
  });

  $(document).on("click", ".deform-close-button", function (event) {
    event.preventDefault();
    deform.removeSequenceItem(this);
  });

  $(function () {
    setSequenceButtons(document);
    applyMasks(document);
  });
}());
