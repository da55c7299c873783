export {
  validateOrderBody,
  ANAGRAFICA_FIELDS,
  ANAGRAFICA_SPEDIZIONE_FIELDS,
  CALLBACK_METHODS,
  SPEDIZIONE_VALUES,
} from "./order-body.validator.js";
export { checkBodyBounds } from "./body-bounds.js";
