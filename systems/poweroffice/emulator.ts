// What the emulated PowerOffice Go v2 API does beyond its definition and schemas: its error body
// (ProblemDetails with errors by field), 204 for an empty list page, case-insensitive routes,
// id ranges and number series, creation stamps, and the values it computes (IsActive, stock,
// line and order amounts), plus the reference rules its POST bodies allow (a customer by
// CustomerNo, a product by ProductCode; a buyer's contact person must belong to the customer).
//
// Simplifications, on purpose: every line is taxed at 25 % VAT; properties never set are left
// out of responses instead of being null.
import { defineEmulator, type EmulatedRecord, type EmulatorContext, type FieldError, type WriteEvent } from 'sesamflow';
import { poweroffice } from './index';

const VAT_RATE = 0.25;
const present = (v: unknown) => v !== undefined && v !== null;
/** Rounds money to cents, avoiding binary noise like 0.30000000000000004. */
const money = (n: number): number => Math.round(n * 100) / 100;
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

function problem(status: number, title: string, detail: string, errors?: readonly FieldError[]): unknown {
  const body: EmulatedRecord = { Type: `https://httpstatuses.io/${status}`, Title: title, Status: status, Detail: detail };
  if (errors) {
    const byField: Record<string, string[]> = {};
    for (const e of errors) (byField[e.field] ??= []).push(e.message);
    body.Errors = byField;
  }
  return body;
}

/** A sales order needs a customer (CustomerId, or CustomerNo on POST); the buyer's contact person must be one of its people. */
function orderReferences({ op, record }: WriteEvent, ctx: EmulatorContext): FieldError[] {
  const errors: FieldError[] = [];
  let customer: EmulatedRecord | undefined;
  if (present(record.CustomerId)) customer = ctx.get('customers', record.CustomerId);
  else if (op === 'insert' && present(record.CustomerNo)) {
    customer = ctx.find('customers', 'Number', record.CustomerNo)[0];
    if (!customer) errors.push({ field: '/CustomerNo', message: `no customer has number ${String(record.CustomerNo)}` });
  } else errors.push({ field: '/CustomerId', message: 'a sales order needs a customer (CustomerId or CustomerNo)' });
  if (customer) {
    record.CustomerId = customer.Id;
    if (present(customer.Number)) record.CustomerNo = customer.Number;
    else delete record.CustomerNo;
    const personId = record.CustomerReferenceContactPersonId;
    const person = present(personId) ? ctx.get('contactperson', personId) : undefined;
    if (person && person.ContactId !== customer.Id) {
      errors.push({ field: '/CustomerReferenceContactPersonId', message: `contact person ${String(personId)} is not a contact person of customer ${String(customer.Id)}` });
    }
  }
  return errors;
}

/** A line's product by ProductId (or ProductCode on POST); Quantity with a product; the product's defaults on POST. */
function lineReferences({ op, record: line, at }: WriteEvent, ctx: EmulatorContext): FieldError[] {
  const errors: FieldError[] = [];
  let product: EmulatedRecord | undefined;
  if (present(line.ProductId)) product = ctx.get('product', line.ProductId);
  else if (op === 'insert' && present(line.ProductCode)) {
    product = ctx.find('product', 'Code', line.ProductCode)[0];
    if (!product) errors.push({ field: `${at}/ProductCode`, message: `no product has code ${JSON.stringify(line.ProductCode)}` });
  }
  if (product) {
    line.ProductId = product.Id;
    if (present(product.Code)) line.ProductCode = product.Code;
    else delete line.ProductCode;
    if (!present(line.Quantity)) errors.push({ field: `${at}/Quantity`, message: 'Quantity is required when a product is set' });
    if (op === 'insert') {
      if (!present(line.Description) && present(product.Name)) line.Description = product.Name;
      if (!present(line.ProductUnitPrice) && present(product.UnitPrice)) line.ProductUnitPrice = product.UnitPrice;
      if (!present(line.ProductUnitCost) && present(product.UnitCost)) line.ProductUnitCost = product.UnitCost;
    }
  } else if (!present(line.ProductId)) {
    delete line.ProductCode;
  }
  return errors;
}

export default defineEmulator(poweroffice, {
  problem,
  emptyListStatus: 204,
  paging: { defaultSize: 5000, maxSize: 20000 },
  caseInsensitivePaths: true,
  datatypes: {
    customers: {
      ids: { first: 10001 },
      series: { Number: 10000 },
      createdAt: ['ContactCreatedDateTimeOffset', 'CustomerCreatedDateTimeOffset'],
      compute: (customer) => {
        customer.IsActive = customer.IsArchived !== true;
      },
    },
    contactperson: {
      ids: { first: 20001 },
      createdAt: ['CreatedDateTimeOffset'],
      check: ({ op, record }, ctx) =>
        op === 'insert' && ctx.get('customers', record.ContactId)?.IsPerson === true
          ? [{ field: '/contactId', message: 'only company contacts have contact persons' }]
          : [],
    },
    product: {
      ids: { first: 30001 },
      createdAt: ['CreatedDateTimeOffset'],
      // POST /Products answers 200, not 201.
      insertStatus: 200,
      compute: (product, ctx, reason, previous) => {
        const stockChanged = reason === 'insert' ? present(product.StockOnHand) : reason === 'update' && product.StockOnHand !== previous?.StockOnHand;
        if (stockChanged) product.StockOnHandLastChangedDatetimeOffset = ctx.now;
        if (present(product.StockOnHand)) product.StockAvailable = product.StockOnHand;
        else delete product.StockAvailable;
      },
    },
    salesorders: {
      ids: 'uuid',
      series: { SalesOrderNo: 1001 },
      createdAt: ['CreatedDateTimeOffset'],
      check: orderReferences,
      compute: (order, ctx, reason) => {
        if (reason === 'insert') order.IsCreatedByCurrentIntegration = true;
        const lines = ctx.children('salesorderlines', order.Id);
        order.NetAmount = money(lines.reduce((s, l) => s + num(l.NetAmount), 0));
        order.TotalAmount = money(lines.reduce((s, l) => s + num(l.TotalAmount), 0));
        order.LineCount = lines.length;
      },
    },
    salesorderlines: {
      ids: 'uuid',
      check: lineReferences,
      compute: (line) => {
        const net = money(num(line.Quantity) * num(line.ProductUnitPrice) * (1 - num(line.Allowance) / 100));
        line.NetAmount = net;
        line.VatRate = VAT_RATE;
        line.VatAmount = money(net * VAT_RATE);
        line.TotalAmount = money(net + (line.VatAmount as number));
      },
    },
  },
});
