// Progressive enhancement of the card form (docs/scripts.md): names the card brand while the buyer
// types the number, and sets the CVC length to match. The form works the same without it; the
// server checks everything again.
(function () {
  "use strict";
  var number = document.getElementById("card-number");
  var brand = document.getElementById("card-brand");
  var cvc = document.getElementById("card-cvc");
  if (!number || !brand || !cvc) {
    return;
  }

  // The same prefixes as OneClick.Core's CardNumber.DetectBrand.
  function brandOf(d) {
    var p2 = +d.slice(0, 2), p3 = +d.slice(0, 3), p4 = +d.slice(0, 4), p6 = +d.slice(0, 6);
    if (d.length >= 2 && (p2 === 34 || p2 === 37)) return "American Express";
    if (d.length >= 2 && (p2 === 36 || p2 === 38 || p2 === 39 || (d.length >= 3 && p3 >= 300 && p3 <= 305))) return "Diners Club";
    if (d.length >= 4 && p4 >= 3528 && p4 <= 3589) return "JCB";
    if (d.length >= 2 && ((p2 >= 51 && p2 <= 55) || (d.length >= 6 && p6 >= 222100 && p6 <= 272099))) return "Mastercard";
    if ((d.length >= 4 && p4 === 6011) || (d.length >= 2 && p2 === 65) || (d.length >= 3 && p3 >= 644 && p3 <= 649)) return "Discover";
    if (d.length >= 2 && (p2 === 50 || (p2 >= 56 && p2 <= 69))) return "Maestro";
    if (d.charAt(0) === "4") return "Visa";
    return "";
  }

  function update() {
    var digits = number.value.replace(/[^0-9]/g, "");
    var name = brandOf(digits);
    brand.textContent = name;
    brand.hidden = name === "";
    cvc.maxLength = name === "American Express" ? 4 : 3;
  }

  number.addEventListener("input", update);
  update();
})();
