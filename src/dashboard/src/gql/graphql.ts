/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Exactly one of the four. */
export type AdvanceSandboxClockInput = {
  /** Business days (1 to 2000): weekends and Italian holidays skipped, time of day kept. */
  businessDays?: number | null | undefined;
  /** Business hours (above 0, at most 20000), counted 09:00-18:00 Rome on business days. */
  businessHours?: number | null | undefined;
  /** Calendar seconds (1 to ten years). */
  seconds?: number | null | undefined;
  /** To the due time of the earliest scheduled transition (BAD_USER_INPUT when none is scheduled). */
  toNextTransition?: boolean | null | undefined;
};

/** A file as base64, with its name. */
export type FileInput = {
  contentBase64: string;
  fileName: string;
};

/** TEST keys talk to the built-in sandbox; LIVE keys to ws.firmadigitale.com and spend money. */
export type Mode =
  | 'LIVE'
  | 'TEST';

/** A legal next move on a request: a mutation that applies now. */
export type RequestMove =
  /** Test keys: a transition is scheduled (advanceSandboxClockBy toNextTransition). */
  | 'ADVANCE_CLOCK'
  /** Test keys: forceSandboxOutcome CALLBACKS_DROPPED. */
  | 'FORCE_CALLBACKS_DROPPED'
  /** Test keys: forceSandboxOutcome IDENTIFICATION_REFUSED. */
  | 'FORCE_IDENTIFICATION_REFUSED'
  /** Test keys: forceSandboxOutcome PARCEL_LOST. */
  | 'FORCE_PARCEL_LOST'
  /** Test keys: forceSandboxOutcome VIDEO_FAILED. */
  | 'FORCE_VIDEO_FAILED'
  /** requestVideoRecognition */
  | 'REQUEST_VIDEO_RECOGNITION'
  /** uploadIdentificationDocuments */
  | 'UPLOAD_DOCUMENTS';

export type SandboxCallbackState =
  | 'DELIVERED'
  | 'DROPPED'
  | 'FAILED'
  | 'PENDING';

/** Settings not given keep their value. */
export type SandboxFaultsInput = {
  dropCallbacks?: boolean | null | undefined;
  /** 0 to 1. */
  errorRate?: number | null | undefined;
  spidSoldOut?: boolean | null | undefined;
  /** 0 to 1; errorRate + timeoutRate at most 1. */
  timeoutRate?: number | null | undefined;
};

/** Which moment of the applicant's journey an e-mail stands for. */
export type SandboxMailKind =
  /** The public officer refused the documents: upload them again. */
  | 'DOCUMENTS_REFUSED'
  /** At EVASA: the certification authority's virtual envelope (PDF with fake PIN, PUK and emergency code in the sandbox). */
  | 'ENVELOPE'
  /** After the order: what to do next. */
  | 'INSTRUCTIONS'
  /** The video identification failed: the request is refused. */
  | 'VIDEO_FAILED'
  /** Video identification: the invitation to book the call. */
  | 'VIDEO_INVITATION';

/** An outcome forced on a sandbox request: the magic e-mail values' effects, without re-ordering. */
export type SandboxOutcome =
  /** `+nocallback`: no callback is sent for the request from now on (each is logged as dropped). */
  | 'CALLBACKS_DROPPED'
  /** `+reject`: the public officer refuses the documents; the request returns to IN_REGISTRAZIONE with both uploads reset. */
  | 'IDENTIFICATION_REFUSED'
  /** Clears every forced outcome (and the magic values') of the request. */
  | 'NORMAL'
  /** `+lost`: the first parcel is lost; a replacement ships one shipping period later. */
  | 'PARCEL_LOST'
  /** `+videofail`: the video call fails and the request ends RIFIUTATA. */
  | 'VIDEO_FAILED';

/** A sandbox request's `stato` in capitals; RIFIUTATA ends a failed video identification. */
export type SandboxRequestStatus =
  | 'EVASA'
  | 'IN_LAVORAZIONE'
  | 'IN_REGISTRAZIONE'
  | 'IN_RICONOSCIMENTO'
  | 'RIFIUTATA';

export type SignatureRequestFilter = {
  createdAfter?: string | null | undefined;
  createdBefore?: string | null | undefined;
  productCode?: string | null | undefined;
  /** Request code, or the applicant's last name or e-mail (exact tax code also matches). */
  search?: string | null | undefined;
  status?: Array<SignatureRequestStatus> | null | undefined;
};

/** Upstream's `stato`, plus the gateway's own SUBMITTING and FAILED. */
export type SignatureRequestStatus =
  /** Done: shipped or issued. */
  | 'EVASA'
  /** Upstream refused the order, or it never reached upstream. */
  | 'FAILED'
  /** Device or certificate being prepared. */
  | 'IN_LAVORAZIONE'
  /** Waiting for the signed form and the ID document. */
  | 'IN_REGISTRAZIONE'
  /** Identity being verified (public officer or video). */
  | 'IN_RICONOSCIMENTO'
  /** Stored by the gateway, not yet confirmed by upstream (the reconciler settles it). */
  | 'SUBMITTING';

export type WebhookDeliveryStatus =
  /** An attempt is in flight. */
  | 'DELIVERING'
  /** Every attempt of the retry schedule failed, or the endpoint was deleted. */
  | 'FAILED'
  /** Waiting for its next attempt (see nextAttemptAt). */
  | 'PENDING'
  /** The endpoint answered 2xx. */
  | 'SUCCEEDED';

export type DashboardViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardViewerQuery = { viewer: { tenant: { id: string, name: string, mode: Mode } } };

export type DashboardClockQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardClockQuery = { sandbox: { clock: { now: string, nextBusinessDay: string, offsetSeconds: number, upcoming: Array<{ dueAt: string, requestCode: string, productCode: string, status: SandboxRequestStatus, nextStatus: SandboxRequestStatus }> } } };

export type DashboardAdvanceMutationVariables = Exact<{
  input: AdvanceSandboxClockInput;
}>;


export type DashboardAdvanceMutation = { advanceSandboxClockBy: { now: string, transitions: number } };

export type DashboardDeliveryFragment = { id: string, status: WebhookDeliveryStatus, example: boolean, attempts: number, createdAt: string, lastResponseCode: number | null, lastError: string | null, body: string, attemptLog: Array<{ at: string, responseCode: number | null, durationMs: number, error: string | null }> };

export type DashboardRedeliverMutationVariables = Exact<{
  id: string | number;
}>;


export type DashboardRedeliverMutation = { redeliverWebhook: { id: string } };

export type DashboardRequestsQueryVariables = Exact<{
  filter?: SignatureRequestFilter | null | undefined;
}>;


export type DashboardRequestsQuery = { signatureRequests: { edges: Array<{ node: { id: string, requestCode: string | null, productCode: string, status: SignatureRequestStatus, updatedAt: string, applicant: { firstName: string, lastName: string } | null } }> } };

export type DashboardProductCodesQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardProductCodesQuery = { products: Array<{ code: string, name: string }> };

export type DashboardFeedSubscriptionVariables = Exact<{
  status?: Array<SignatureRequestStatus> | SignatureRequestStatus | null | undefined;
  productCode?: Array<string> | string | null | undefined;
}>;


export type DashboardFeedSubscription = { statusEvents: { sequence: number, requestId: string, from: SignatureRequestStatus, to: SignatureRequestStatus, at: string } };

export type DashboardSandboxStateQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardSandboxStateQuery = { sandbox: { wallet: { amountCents: number, currency: string }, faults: { errorRate: number, timeoutRate: number, dropCallbacks: boolean, spidSoldOut: boolean } } };

export type DashboardSetFaultsMutationVariables = Exact<{
  input: SandboxFaultsInput;
}>;


export type DashboardSetFaultsMutation = { setSandboxFaults: { errorRate: number, timeoutRate: number, dropCallbacks: boolean, spidSoldOut: boolean } };

export type DashboardSetWalletMutationVariables = Exact<{
  cents: number;
}>;


export type DashboardSetWalletMutation = { setSandboxWallet: { amountCents: number, currency: string } };

export type DashboardResetMutationVariables = Exact<{ [key: string]: never; }>;


export type DashboardResetMutation = { resetSandbox: { sandboxRequests: number, gatewayRequests: number, callbacks: number, statusEvents: number, webhookDeliveries: number, mails: number, spidVouchers: number } };

export type DashboardSignInQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardSignInQuery = { viewer: { tenant: { mode: Mode } } };

export type DashboardTimelineQueryVariables = Exact<{
  id: string | number;
}>;


export type DashboardTimelineQuery = { signatureRequestTimeline: { nextMoves: Array<RequestMove>, nextTransitionAt: string | null, request: { id: string, requestCode: string | null, productCode: string, status: SignatureRequestStatus, formUploaded: boolean, documentUploaded: boolean, failure: { code: string, message: string } | null }, lifecycle: Array<{ status: SignatureRequestStatus, current: boolean, reached: boolean, failure: boolean }>, statusChanges: Array<{ status: SignatureRequestStatus, at: string, sandboxAt: string | null }> } };

export type DashboardTimelineCallbacksQueryVariables = Exact<{
  id: string | number;
}>;


export type DashboardTimelineCallbacksQuery = { signatureRequestTimeline: { callbacks: Array<{ id: string, status: SandboxRequestStatus, state: SandboxCallbackState, changedAt: string, method: string, url: string, contentType: string, body: string, reason: string | null, attempts: Array<{ at: string, status: number | null, durationMs: number, error: string | null }> }> } };

export type DashboardTimelineDeliveriesQueryVariables = Exact<{
  id: string | number;
}>;


export type DashboardTimelineDeliveriesQuery = { signatureRequestTimeline: { webhookDeliveries: Array<{ id: string, status: WebhookDeliveryStatus, example: boolean, attempts: number, createdAt: string, lastResponseCode: number | null, lastError: string | null, body: string, attemptLog: Array<{ at: string, responseCode: number | null, durationMs: number, error: string | null }> }> } };

export type DashboardTimelineInboxQueryVariables = Exact<{
  id: string | number;
}>;


export type DashboardTimelineInboxQuery = { signatureRequestTimeline: { inbox: Array<{ id: string, kind: SandboxMailKind, subject: string, at: string, to: string | null, body: string, hasEnvelope: boolean, envelopePdfBase64: string | null }> } };

export type DashboardRequestUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type DashboardRequestUpdatedSubscription = { signatureRequestUpdated: { id: string, status: SignatureRequestStatus } };

export type DashboardResendCallbackMutationVariables = Exact<{
  id: string | number;
}>;


export type DashboardResendCallbackMutation = { resendSandboxCallback: { id: string } };

export type DashboardForceOutcomeMutationVariables = Exact<{
  requestId: string | number;
  outcome: SandboxOutcome;
}>;


export type DashboardForceOutcomeMutation = { forceSandboxOutcome: { requestId: string } };

export type DashboardVideoMutationVariables = Exact<{
  requestId: string | number;
}>;


export type DashboardVideoMutation = { requestVideoRecognition: { id: string } };

export type DashboardUploadMutationVariables = Exact<{
  requestId: string | number;
  signedForm?: FileInput | null | undefined;
  idDocument?: FileInput | null | undefined;
}>;


export type DashboardUploadMutation = { uploadIdentificationDocuments: { id: string } };

export type DashboardAdvanceToNextMutationVariables = Exact<{ [key: string]: never; }>;


export type DashboardAdvanceToNextMutation = { advanceSandboxClockBy: { now: string, transitions: number } };

export type DashboardEndpointsQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardEndpointsQuery = { webhookEndpoints: Array<{ id: string, url: string, description: string, createdAt: string, previousSecretExpiresAt: string | null }> };

export type DashboardDeliveriesQueryVariables = Exact<{
  endpointId: string | number;
}>;


export type DashboardDeliveriesQuery = { webhookDeliveries: Array<{ id: string, status: WebhookDeliveryStatus, example: boolean, attempts: number, createdAt: string, lastResponseCode: number | null, lastError: string | null, body: string, attemptLog: Array<{ at: string, responseCode: number | null, durationMs: number, error: string | null }> }> };

export type DashboardCreateEndpointMutationVariables = Exact<{
  url: string;
  description?: string | null | undefined;
}>;


export type DashboardCreateEndpointMutation = { createWebhookEndpoint: { secret: string, endpoint: { id: string } } };

export type DashboardDeleteEndpointMutationVariables = Exact<{
  id: string | number;
}>;


export type DashboardDeleteEndpointMutation = { deleteWebhookEndpoint: boolean };

export type DashboardExampleWebhookMutationVariables = Exact<{
  id: string | number;
}>;


export type DashboardExampleWebhookMutation = { sendExampleWebhook: { id: string } };

export type DashboardRotateSecretMutationVariables = Exact<{
  id: string | number;
}>;


export type DashboardRotateSecretMutation = { rotateWebhookSecret: { secret: string, previousSecretExpiresAt: string | null } };

export const DashboardDeliveryFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardDelivery"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WebhookDelivery"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"example"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastResponseCode"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"attemptLog"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"responseCode"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]}}]} as unknown as DocumentNode<DashboardDeliveryFragment, unknown>;
export const DashboardViewerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardViewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tenant"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"mode"}}]}}]}}]}}]} as unknown as DocumentNode<DashboardViewerQuery, DashboardViewerQueryVariables>;
export const DashboardClockDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardClock"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sandbox"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clock"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"now"}},{"kind":"Field","name":{"kind":"Name","value":"nextBusinessDay"}},{"kind":"Field","name":{"kind":"Name","value":"offsetSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"upcoming"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dueAt"}},{"kind":"Field","name":{"kind":"Name","value":"requestCode"}},{"kind":"Field","name":{"kind":"Name","value":"productCode"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"nextStatus"}}]}}]}}]}}]}}]} as unknown as DocumentNode<DashboardClockQuery, DashboardClockQueryVariables>;
export const DashboardAdvanceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DashboardAdvance"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AdvanceSandboxClockInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"advanceSandboxClockBy"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"now"}},{"kind":"Field","name":{"kind":"Name","value":"transitions"}}]}}]}}]} as unknown as DocumentNode<DashboardAdvanceMutation, DashboardAdvanceMutationVariables>;
export const DashboardRedeliverDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DashboardRedeliver"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"redeliverWebhook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"deliveryId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<DashboardRedeliverMutation, DashboardRedeliverMutationVariables>;
export const DashboardRequestsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardRequests"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"SignatureRequestFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signatureRequests"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"requestCode"}},{"kind":"Field","name":{"kind":"Name","value":"productCode"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"applicant"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<DashboardRequestsQuery, DashboardRequestsQueryVariables>;
export const DashboardProductCodesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardProductCodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"products"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<DashboardProductCodesQuery, DashboardProductCodesQueryVariables>;
export const DashboardFeedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"DashboardFeed"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SignatureRequestStatus"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"productCode"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"statusEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}},{"kind":"Argument","name":{"kind":"Name","value":"productCode"},"value":{"kind":"Variable","name":{"kind":"Name","value":"productCode"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sequence"}},{"kind":"Field","name":{"kind":"Name","value":"requestId"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]} as unknown as DocumentNode<DashboardFeedSubscription, DashboardFeedSubscriptionVariables>;
export const DashboardSandboxStateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardSandboxState"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sandbox"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"wallet"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amountCents"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"faults"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"errorRate"}},{"kind":"Field","name":{"kind":"Name","value":"timeoutRate"}},{"kind":"Field","name":{"kind":"Name","value":"dropCallbacks"}},{"kind":"Field","name":{"kind":"Name","value":"spidSoldOut"}}]}}]}}]}}]} as unknown as DocumentNode<DashboardSandboxStateQuery, DashboardSandboxStateQueryVariables>;
export const DashboardSetFaultsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DashboardSetFaults"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SandboxFaultsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setSandboxFaults"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"errorRate"}},{"kind":"Field","name":{"kind":"Name","value":"timeoutRate"}},{"kind":"Field","name":{"kind":"Name","value":"dropCallbacks"}},{"kind":"Field","name":{"kind":"Name","value":"spidSoldOut"}}]}}]}}]} as unknown as DocumentNode<DashboardSetFaultsMutation, DashboardSetFaultsMutationVariables>;
export const DashboardSetWalletDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DashboardSetWallet"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cents"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setSandboxWallet"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"balanceCents"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cents"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amountCents"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}}]} as unknown as DocumentNode<DashboardSetWalletMutation, DashboardSetWalletMutationVariables>;
export const DashboardResetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DashboardReset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resetSandbox"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"confirm"},"value":{"kind":"BooleanValue","value":true}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sandboxRequests"}},{"kind":"Field","name":{"kind":"Name","value":"gatewayRequests"}},{"kind":"Field","name":{"kind":"Name","value":"callbacks"}},{"kind":"Field","name":{"kind":"Name","value":"statusEvents"}},{"kind":"Field","name":{"kind":"Name","value":"webhookDeliveries"}},{"kind":"Field","name":{"kind":"Name","value":"mails"}},{"kind":"Field","name":{"kind":"Name","value":"spidVouchers"}}]}}]}}]} as unknown as DocumentNode<DashboardResetMutation, DashboardResetMutationVariables>;
export const DashboardSignInDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardSignIn"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tenant"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"mode"}}]}}]}}]}}]} as unknown as DocumentNode<DashboardSignInQuery, DashboardSignInQueryVariables>;
export const DashboardTimelineDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardTimeline"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signatureRequestTimeline"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"request"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"requestCode"}},{"kind":"Field","name":{"kind":"Name","value":"productCode"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"formUploaded"}},{"kind":"Field","name":{"kind":"Name","value":"documentUploaded"}},{"kind":"Field","name":{"kind":"Name","value":"failure"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"lifecycle"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"current"}},{"kind":"Field","name":{"kind":"Name","value":"reached"}},{"kind":"Field","name":{"kind":"Name","value":"failure"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nextMoves"}},{"kind":"Field","name":{"kind":"Name","value":"nextTransitionAt"}},{"kind":"Field","name":{"kind":"Name","value":"statusChanges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"sandboxAt"}}]}}]}}]}}]} as unknown as DocumentNode<DashboardTimelineQuery, DashboardTimelineQueryVariables>;
export const DashboardTimelineCallbacksDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardTimelineCallbacks"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signatureRequestTimeline"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"callbacks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"changedAt"}},{"kind":"Field","name":{"kind":"Name","value":"method"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]}}]}}]}}]} as unknown as DocumentNode<DashboardTimelineCallbacksQuery, DashboardTimelineCallbacksQueryVariables>;
export const DashboardTimelineDeliveriesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardTimelineDeliveries"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signatureRequestTimeline"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhookDeliveries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardDelivery"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardDelivery"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WebhookDelivery"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"example"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastResponseCode"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"attemptLog"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"responseCode"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]}}]} as unknown as DocumentNode<DashboardTimelineDeliveriesQuery, DashboardTimelineDeliveriesQueryVariables>;
export const DashboardTimelineInboxDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardTimelineInbox"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signatureRequestTimeline"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"inbox"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"hasEnvelope"}},{"kind":"Field","name":{"kind":"Name","value":"envelopePdfBase64"}}]}}]}}]}}]} as unknown as DocumentNode<DashboardTimelineInboxQuery, DashboardTimelineInboxQueryVariables>;
export const DashboardRequestUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"DashboardRequestUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signatureRequestUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<DashboardRequestUpdatedSubscription, DashboardRequestUpdatedSubscriptionVariables>;
export const DashboardResendCallbackDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DashboardResendCallback"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resendSandboxCallback"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"callbackId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<DashboardResendCallbackMutation, DashboardResendCallbackMutationVariables>;
export const DashboardForceOutcomeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DashboardForceOutcome"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"requestId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"outcome"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SandboxOutcome"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"forceSandboxOutcome"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"requestId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"requestId"}}},{"kind":"Argument","name":{"kind":"Name","value":"outcome"},"value":{"kind":"Variable","name":{"kind":"Name","value":"outcome"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestId"}}]}}]}}]} as unknown as DocumentNode<DashboardForceOutcomeMutation, DashboardForceOutcomeMutationVariables>;
export const DashboardVideoDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DashboardVideo"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"requestId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestVideoRecognition"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"requestId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"requestId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<DashboardVideoMutation, DashboardVideoMutationVariables>;
export const DashboardUploadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DashboardUpload"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"requestId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"signedForm"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"FileInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idDocument"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"FileInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uploadIdentificationDocuments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"requestId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"requestId"}}},{"kind":"Argument","name":{"kind":"Name","value":"signedForm"},"value":{"kind":"Variable","name":{"kind":"Name","value":"signedForm"}}},{"kind":"Argument","name":{"kind":"Name","value":"idDocument"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idDocument"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<DashboardUploadMutation, DashboardUploadMutationVariables>;
export const DashboardAdvanceToNextDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DashboardAdvanceToNext"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"advanceSandboxClockBy"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"toNextTransition"},"value":{"kind":"BooleanValue","value":true}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"now"}},{"kind":"Field","name":{"kind":"Name","value":"transitions"}}]}}]}}]} as unknown as DocumentNode<DashboardAdvanceToNextMutation, DashboardAdvanceToNextMutationVariables>;
export const DashboardEndpointsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardEndpoints"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhookEndpoints"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"previousSecretExpiresAt"}}]}}]}}]} as unknown as DocumentNode<DashboardEndpointsQuery, DashboardEndpointsQueryVariables>;
export const DashboardDeliveriesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardDeliveries"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"endpointId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhookDeliveries"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"endpointId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"endpointId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardDelivery"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardDelivery"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WebhookDelivery"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"example"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastResponseCode"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"attemptLog"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"responseCode"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]}}]} as unknown as DocumentNode<DashboardDeliveriesQuery, DashboardDeliveriesQueryVariables>;
export const DashboardCreateEndpointDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DashboardCreateEndpoint"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"url"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"description"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createWebhookEndpoint"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"url"},"value":{"kind":"Variable","name":{"kind":"Name","value":"url"}}},{"kind":"Argument","name":{"kind":"Name","value":"description"},"value":{"kind":"Variable","name":{"kind":"Name","value":"description"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"secret"}},{"kind":"Field","name":{"kind":"Name","value":"endpoint"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<DashboardCreateEndpointMutation, DashboardCreateEndpointMutationVariables>;
export const DashboardDeleteEndpointDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DashboardDeleteEndpoint"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteWebhookEndpoint"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<DashboardDeleteEndpointMutation, DashboardDeleteEndpointMutationVariables>;
export const DashboardExampleWebhookDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DashboardExampleWebhook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sendExampleWebhook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"endpointId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<DashboardExampleWebhookMutation, DashboardExampleWebhookMutationVariables>;
export const DashboardRotateSecretDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DashboardRotateSecret"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rotateWebhookSecret"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"endpointId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"secret"}},{"kind":"Field","name":{"kind":"Name","value":"previousSecretExpiresAt"}}]}}]}}]} as unknown as DocumentNode<DashboardRotateSecretMutation, DashboardRotateSecretMutationVariables>;