// The receipt printer, remembered on this computer like the language and the paper (a printer
// belongs to the computer it is plugged into): its name, and the paper in each printer.

const PRINTER_KEY = 'skranke.receipt-printer';
const PAPER_KEY = 'skranke.printer-paper';

/** The chosen receipt printer's name, or '' when documents open in the PDF viewer. */
export function receiptPrinter() {
  return localStorage.getItem(PRINTER_KEY) || '';
}

function papers() {
  try {
    return JSON.parse(localStorage.getItem(PAPER_KEY) || '{}');
  } catch {
    return {};
  }
}

/** The paper in `printer` ('roll80' or 'a4'); a printer never chosen has the roll. */
export function printerPaper(printer) {
  return papers()[printer] || 'roll80';
}

/** Chooses the receipt printer ('' for none) and the paper in it. */
export function setReceiptPrinter(printer, paper) {
  if (!printer) {
    localStorage.removeItem(PRINTER_KEY);
    return;
  }
  localStorage.setItem(PRINTER_KEY, printer);
  localStorage.setItem(PAPER_KEY, JSON.stringify({ ...papers(), [printer]: paper }));
}

/** How "Print" hands a document out: straight to the receipt printer, else through the viewer. */
export function printHow() {
  const printer = receiptPrinter();
  return printer ? { printer } : 'print';
}
