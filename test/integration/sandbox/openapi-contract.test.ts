import { describe, expect, it } from "vitest";
import { OpenApiContract } from "../../helpers/openapi-contract.js";

const contract = new OpenApiContract();

const firma = {
  id: "5f7ef1e83a716836d3152662",
  codice_richiesta: "8417d",
  prodotto: "Firma Digitale",
  codice_prodotto: "FIR",
  tipo: "Infocert",
  stato: "in_registrazione",
  timestamp: { acquisto: 1602587629 },
  spedizione: "ordinaria",
  modulo: false,
  documento: false,
};

describe("OpenApiContract", () => {
  it("accepts a success envelope whose data matches the product's Response schema", () => {
    const body = { data: firma, success: true, message: "", error: null };
    expect(contract.check({ method: "GET", path: "/richiesta/5f7ef1e83a716836d3152662", status: 200, contentType: "application/json", body })).toEqual([]);
  });

  it("rejects data that breaks the product's schema (spedizione outside the enum, string timestamp)", () => {
    const body = { data: { ...firma, spedizione: "teleport", timestamp: { acquisto: "yesterday" } }, success: true, message: "", error: null };
    const problems = contract.check({ method: "GET", path: "/richiesta/5f7ef1e83a716836d3152662", status: 200, contentType: "application/json", body });
    expect(problems.length).toBeGreaterThanOrEqual(2);
  });

  it("rejects a success answer missing the envelope's keys", () => {
    const problems = contract.check({ method: "GET", path: "/prodotti", status: 200, contentType: "application/json", body: { data: [] } });
    expect(problems.length).toBeGreaterThan(0);
  });

  it("checks documented errors against their example's shape", () => {
    const ok = { data: null, success: false, message: "Invalid id", error: 211 };
    expect(contract.check({ method: "GET", path: "/richiesta/x", status: 400, contentType: "application/json", body: ok })).toEqual([]);
    const bad = { data: {}, success: true, message: 3, error: "211" };
    expect(contract.check({ method: "GET", path: "/richiesta/x", status: 400, contentType: "application/json", body: bad })).toHaveLength(4);
  });

  it("requires the documented media type: PDF or text/plain for the form", () => {
    const path = "/richiesta/5f7ef1e83a716836d3152662/modulo";
    expect(contract.check({ method: "GET", path, status: 200, contentType: "application/pdf", body: Buffer.from("%PDF-1.7") })).toEqual([]);
    expect(contract.check({ method: "GET", path, status: 404, contentType: "text/plain; charset=utf-8", body: "form not required for this request" })).toEqual([]);
    expect(contract.check({ method: "GET", path, status: 404, contentType: "application/json", body: {} })).toHaveLength(1);
  });

  it("knows no operation outside the spec", () => {
    expect(contract.check({ method: "DELETE", path: "/richiesta/1", status: 200, contentType: "application/json", body: {} })).toHaveLength(1);
  });
});
