/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query DashboardViewer {\n    viewer {\n      tenant {\n        id\n        name\n        mode\n      }\n    }\n  }\n": typeof types.DashboardViewerDocument,
    "\n  query DashboardClock {\n    sandbox {\n      clock {\n        now\n        nextBusinessDay\n        offsetSeconds\n        upcoming {\n          dueAt\n          requestCode\n          productCode\n          status\n          nextStatus\n        }\n      }\n    }\n  }\n": typeof types.DashboardClockDocument,
    "\n  mutation DashboardAdvance($input: AdvanceSandboxClockInput!) {\n    advanceSandboxClockBy(input: $input) {\n      now\n      transitions\n    }\n  }\n": typeof types.DashboardAdvanceDocument,
    "\n  fragment DashboardDelivery on WebhookDelivery {\n    id\n    status\n    example\n    attempts\n    createdAt\n    lastResponseCode\n    lastError\n    body\n    attemptLog {\n      at\n      responseCode\n      durationMs\n      error\n    }\n  }\n": typeof types.DashboardDeliveryFragmentDoc,
    "\n  mutation DashboardRedeliver($id: ID!) {\n    redeliverWebhook(deliveryId: $id) {\n      id\n    }\n  }\n": typeof types.DashboardRedeliverDocument,
    "\n  query DashboardRequests($filter: SignatureRequestFilter) {\n    signatureRequests(first: 50, filter: $filter) {\n      edges {\n        node {\n          id\n          requestCode\n          productCode\n          status\n          updatedAt\n          applicant {\n            firstName\n            lastName\n          }\n        }\n      }\n    }\n  }\n": typeof types.DashboardRequestsDocument,
    "\n  query DashboardProductCodes {\n    products {\n      code\n      name\n    }\n  }\n": typeof types.DashboardProductCodesDocument,
    "\n  subscription DashboardFeed($status: [SignatureRequestStatus!], $productCode: [String!]) {\n    statusEvents(status: $status, productCode: $productCode) {\n      sequence\n      requestId\n      from\n      to\n      at\n    }\n  }\n": typeof types.DashboardFeedDocument,
    "\n  query DashboardSandboxState {\n    sandbox {\n      wallet {\n        amountCents\n        currency\n      }\n      faults {\n        errorRate\n        timeoutRate\n        dropCallbacks\n        spidSoldOut\n      }\n    }\n  }\n": typeof types.DashboardSandboxStateDocument,
    "\n  mutation DashboardSetFaults($input: SandboxFaultsInput!) {\n    setSandboxFaults(input: $input) {\n      errorRate\n      timeoutRate\n      dropCallbacks\n      spidSoldOut\n    }\n  }\n": typeof types.DashboardSetFaultsDocument,
    "\n  mutation DashboardSetWallet($cents: Int!) {\n    setSandboxWallet(balanceCents: $cents) {\n      amountCents\n      currency\n    }\n  }\n": typeof types.DashboardSetWalletDocument,
    "\n  mutation DashboardReset {\n    resetSandbox(confirm: true) {\n      sandboxRequests\n      gatewayRequests\n      callbacks\n      statusEvents\n      webhookDeliveries\n      mails\n      spidVouchers\n    }\n  }\n": typeof types.DashboardResetDocument,
    "\n  query DashboardSignIn {\n    viewer {\n      tenant {\n        mode\n      }\n    }\n  }\n": typeof types.DashboardSignInDocument,
    "\n  query DashboardTimeline($id: ID!) {\n    signatureRequestTimeline(id: $id) {\n      request {\n        id\n        requestCode\n        productCode\n        status\n        formUploaded\n        documentUploaded\n        failure {\n          code\n          message\n        }\n      }\n      lifecycle {\n        status\n        current\n        reached\n        failure\n      }\n      nextMoves\n      nextTransitionAt\n      statusChanges {\n        status\n        at\n        sandboxAt\n      }\n    }\n  }\n": typeof types.DashboardTimelineDocument,
    "\n  query DashboardTimelineCallbacks($id: ID!) {\n    signatureRequestTimeline(id: $id) {\n      callbacks {\n        id\n        status\n        state\n        changedAt\n        method\n        url\n        contentType\n        body\n        reason\n        attempts {\n          at\n          status\n          durationMs\n          error\n        }\n      }\n    }\n  }\n": typeof types.DashboardTimelineCallbacksDocument,
    "\n  query DashboardTimelineDeliveries($id: ID!) {\n    signatureRequestTimeline(id: $id) {\n      webhookDeliveries {\n        ...DashboardDelivery\n      }\n    }\n  }\n": typeof types.DashboardTimelineDeliveriesDocument,
    "\n  query DashboardTimelineInbox($id: ID!) {\n    signatureRequestTimeline(id: $id) {\n      inbox {\n        id\n        kind\n        subject\n        at\n        to\n        body\n        hasEnvelope\n        envelopePdfBase64\n      }\n    }\n  }\n": typeof types.DashboardTimelineInboxDocument,
    "\n  subscription DashboardRequestUpdated($id: ID!) {\n    signatureRequestUpdated(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.DashboardRequestUpdatedDocument,
    "\n  mutation DashboardResendCallback($id: ID!) {\n    resendSandboxCallback(callbackId: $id) {\n      id\n    }\n  }\n": typeof types.DashboardResendCallbackDocument,
    "\n  mutation DashboardForceOutcome($requestId: ID!, $outcome: SandboxOutcome!) {\n    forceSandboxOutcome(requestId: $requestId, outcome: $outcome) {\n      requestId\n    }\n  }\n": typeof types.DashboardForceOutcomeDocument,
    "\n  mutation DashboardVideo($requestId: ID!) {\n    requestVideoRecognition(requestId: $requestId) {\n      id\n    }\n  }\n": typeof types.DashboardVideoDocument,
    "\n  mutation DashboardUpload($requestId: ID!, $signedForm: FileInput, $idDocument: FileInput) {\n    uploadIdentificationDocuments(requestId: $requestId, signedForm: $signedForm, idDocument: $idDocument) {\n      id\n    }\n  }\n": typeof types.DashboardUploadDocument,
    "\n  mutation DashboardAdvanceToNext {\n    advanceSandboxClockBy(input: { toNextTransition: true }) {\n      now\n      transitions\n    }\n  }\n": typeof types.DashboardAdvanceToNextDocument,
    "\n  query DashboardEndpoints {\n    webhookEndpoints {\n      id\n      url\n      description\n      createdAt\n      previousSecretExpiresAt\n    }\n  }\n": typeof types.DashboardEndpointsDocument,
    "\n  query DashboardDeliveries($endpointId: ID!) {\n    webhookDeliveries(endpointId: $endpointId, first: 20) {\n      ...DashboardDelivery\n    }\n  }\n": typeof types.DashboardDeliveriesDocument,
    "\n  mutation DashboardCreateEndpoint($url: String!, $description: String) {\n    createWebhookEndpoint(url: $url, description: $description) {\n      secret\n      endpoint {\n        id\n      }\n    }\n  }\n": typeof types.DashboardCreateEndpointDocument,
    "\n  mutation DashboardDeleteEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id)\n  }\n": typeof types.DashboardDeleteEndpointDocument,
    "\n  mutation DashboardExampleWebhook($id: ID!) {\n    sendExampleWebhook(endpointId: $id) {\n      id\n    }\n  }\n": typeof types.DashboardExampleWebhookDocument,
    "\n  mutation DashboardRotateSecret($id: ID!) {\n    rotateWebhookSecret(endpointId: $id) {\n      secret\n      previousSecretExpiresAt\n    }\n  }\n": typeof types.DashboardRotateSecretDocument,
};
const documents: Documents = {
    "\n  query DashboardViewer {\n    viewer {\n      tenant {\n        id\n        name\n        mode\n      }\n    }\n  }\n": types.DashboardViewerDocument,
    "\n  query DashboardClock {\n    sandbox {\n      clock {\n        now\n        nextBusinessDay\n        offsetSeconds\n        upcoming {\n          dueAt\n          requestCode\n          productCode\n          status\n          nextStatus\n        }\n      }\n    }\n  }\n": types.DashboardClockDocument,
    "\n  mutation DashboardAdvance($input: AdvanceSandboxClockInput!) {\n    advanceSandboxClockBy(input: $input) {\n      now\n      transitions\n    }\n  }\n": types.DashboardAdvanceDocument,
    "\n  fragment DashboardDelivery on WebhookDelivery {\n    id\n    status\n    example\n    attempts\n    createdAt\n    lastResponseCode\n    lastError\n    body\n    attemptLog {\n      at\n      responseCode\n      durationMs\n      error\n    }\n  }\n": types.DashboardDeliveryFragmentDoc,
    "\n  mutation DashboardRedeliver($id: ID!) {\n    redeliverWebhook(deliveryId: $id) {\n      id\n    }\n  }\n": types.DashboardRedeliverDocument,
    "\n  query DashboardRequests($filter: SignatureRequestFilter) {\n    signatureRequests(first: 50, filter: $filter) {\n      edges {\n        node {\n          id\n          requestCode\n          productCode\n          status\n          updatedAt\n          applicant {\n            firstName\n            lastName\n          }\n        }\n      }\n    }\n  }\n": types.DashboardRequestsDocument,
    "\n  query DashboardProductCodes {\n    products {\n      code\n      name\n    }\n  }\n": types.DashboardProductCodesDocument,
    "\n  subscription DashboardFeed($status: [SignatureRequestStatus!], $productCode: [String!]) {\n    statusEvents(status: $status, productCode: $productCode) {\n      sequence\n      requestId\n      from\n      to\n      at\n    }\n  }\n": types.DashboardFeedDocument,
    "\n  query DashboardSandboxState {\n    sandbox {\n      wallet {\n        amountCents\n        currency\n      }\n      faults {\n        errorRate\n        timeoutRate\n        dropCallbacks\n        spidSoldOut\n      }\n    }\n  }\n": types.DashboardSandboxStateDocument,
    "\n  mutation DashboardSetFaults($input: SandboxFaultsInput!) {\n    setSandboxFaults(input: $input) {\n      errorRate\n      timeoutRate\n      dropCallbacks\n      spidSoldOut\n    }\n  }\n": types.DashboardSetFaultsDocument,
    "\n  mutation DashboardSetWallet($cents: Int!) {\n    setSandboxWallet(balanceCents: $cents) {\n      amountCents\n      currency\n    }\n  }\n": types.DashboardSetWalletDocument,
    "\n  mutation DashboardReset {\n    resetSandbox(confirm: true) {\n      sandboxRequests\n      gatewayRequests\n      callbacks\n      statusEvents\n      webhookDeliveries\n      mails\n      spidVouchers\n    }\n  }\n": types.DashboardResetDocument,
    "\n  query DashboardSignIn {\n    viewer {\n      tenant {\n        mode\n      }\n    }\n  }\n": types.DashboardSignInDocument,
    "\n  query DashboardTimeline($id: ID!) {\n    signatureRequestTimeline(id: $id) {\n      request {\n        id\n        requestCode\n        productCode\n        status\n        formUploaded\n        documentUploaded\n        failure {\n          code\n          message\n        }\n      }\n      lifecycle {\n        status\n        current\n        reached\n        failure\n      }\n      nextMoves\n      nextTransitionAt\n      statusChanges {\n        status\n        at\n        sandboxAt\n      }\n    }\n  }\n": types.DashboardTimelineDocument,
    "\n  query DashboardTimelineCallbacks($id: ID!) {\n    signatureRequestTimeline(id: $id) {\n      callbacks {\n        id\n        status\n        state\n        changedAt\n        method\n        url\n        contentType\n        body\n        reason\n        attempts {\n          at\n          status\n          durationMs\n          error\n        }\n      }\n    }\n  }\n": types.DashboardTimelineCallbacksDocument,
    "\n  query DashboardTimelineDeliveries($id: ID!) {\n    signatureRequestTimeline(id: $id) {\n      webhookDeliveries {\n        ...DashboardDelivery\n      }\n    }\n  }\n": types.DashboardTimelineDeliveriesDocument,
    "\n  query DashboardTimelineInbox($id: ID!) {\n    signatureRequestTimeline(id: $id) {\n      inbox {\n        id\n        kind\n        subject\n        at\n        to\n        body\n        hasEnvelope\n        envelopePdfBase64\n      }\n    }\n  }\n": types.DashboardTimelineInboxDocument,
    "\n  subscription DashboardRequestUpdated($id: ID!) {\n    signatureRequestUpdated(id: $id) {\n      id\n      status\n    }\n  }\n": types.DashboardRequestUpdatedDocument,
    "\n  mutation DashboardResendCallback($id: ID!) {\n    resendSandboxCallback(callbackId: $id) {\n      id\n    }\n  }\n": types.DashboardResendCallbackDocument,
    "\n  mutation DashboardForceOutcome($requestId: ID!, $outcome: SandboxOutcome!) {\n    forceSandboxOutcome(requestId: $requestId, outcome: $outcome) {\n      requestId\n    }\n  }\n": types.DashboardForceOutcomeDocument,
    "\n  mutation DashboardVideo($requestId: ID!) {\n    requestVideoRecognition(requestId: $requestId) {\n      id\n    }\n  }\n": types.DashboardVideoDocument,
    "\n  mutation DashboardUpload($requestId: ID!, $signedForm: FileInput, $idDocument: FileInput) {\n    uploadIdentificationDocuments(requestId: $requestId, signedForm: $signedForm, idDocument: $idDocument) {\n      id\n    }\n  }\n": types.DashboardUploadDocument,
    "\n  mutation DashboardAdvanceToNext {\n    advanceSandboxClockBy(input: { toNextTransition: true }) {\n      now\n      transitions\n    }\n  }\n": types.DashboardAdvanceToNextDocument,
    "\n  query DashboardEndpoints {\n    webhookEndpoints {\n      id\n      url\n      description\n      createdAt\n      previousSecretExpiresAt\n    }\n  }\n": types.DashboardEndpointsDocument,
    "\n  query DashboardDeliveries($endpointId: ID!) {\n    webhookDeliveries(endpointId: $endpointId, first: 20) {\n      ...DashboardDelivery\n    }\n  }\n": types.DashboardDeliveriesDocument,
    "\n  mutation DashboardCreateEndpoint($url: String!, $description: String) {\n    createWebhookEndpoint(url: $url, description: $description) {\n      secret\n      endpoint {\n        id\n      }\n    }\n  }\n": types.DashboardCreateEndpointDocument,
    "\n  mutation DashboardDeleteEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id)\n  }\n": types.DashboardDeleteEndpointDocument,
    "\n  mutation DashboardExampleWebhook($id: ID!) {\n    sendExampleWebhook(endpointId: $id) {\n      id\n    }\n  }\n": types.DashboardExampleWebhookDocument,
    "\n  mutation DashboardRotateSecret($id: ID!) {\n    rotateWebhookSecret(endpointId: $id) {\n      secret\n      previousSecretExpiresAt\n    }\n  }\n": types.DashboardRotateSecretDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardViewer {\n    viewer {\n      tenant {\n        id\n        name\n        mode\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardViewer {\n    viewer {\n      tenant {\n        id\n        name\n        mode\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardClock {\n    sandbox {\n      clock {\n        now\n        nextBusinessDay\n        offsetSeconds\n        upcoming {\n          dueAt\n          requestCode\n          productCode\n          status\n          nextStatus\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardClock {\n    sandbox {\n      clock {\n        now\n        nextBusinessDay\n        offsetSeconds\n        upcoming {\n          dueAt\n          requestCode\n          productCode\n          status\n          nextStatus\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardAdvance($input: AdvanceSandboxClockInput!) {\n    advanceSandboxClockBy(input: $input) {\n      now\n      transitions\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardAdvance($input: AdvanceSandboxClockInput!) {\n    advanceSandboxClockBy(input: $input) {\n      now\n      transitions\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DashboardDelivery on WebhookDelivery {\n    id\n    status\n    example\n    attempts\n    createdAt\n    lastResponseCode\n    lastError\n    body\n    attemptLog {\n      at\n      responseCode\n      durationMs\n      error\n    }\n  }\n"): (typeof documents)["\n  fragment DashboardDelivery on WebhookDelivery {\n    id\n    status\n    example\n    attempts\n    createdAt\n    lastResponseCode\n    lastError\n    body\n    attemptLog {\n      at\n      responseCode\n      durationMs\n      error\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardRedeliver($id: ID!) {\n    redeliverWebhook(deliveryId: $id) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardRedeliver($id: ID!) {\n    redeliverWebhook(deliveryId: $id) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardRequests($filter: SignatureRequestFilter) {\n    signatureRequests(first: 50, filter: $filter) {\n      edges {\n        node {\n          id\n          requestCode\n          productCode\n          status\n          updatedAt\n          applicant {\n            firstName\n            lastName\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardRequests($filter: SignatureRequestFilter) {\n    signatureRequests(first: 50, filter: $filter) {\n      edges {\n        node {\n          id\n          requestCode\n          productCode\n          status\n          updatedAt\n          applicant {\n            firstName\n            lastName\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardProductCodes {\n    products {\n      code\n      name\n    }\n  }\n"): (typeof documents)["\n  query DashboardProductCodes {\n    products {\n      code\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardFeed($status: [SignatureRequestStatus!], $productCode: [String!]) {\n    statusEvents(status: $status, productCode: $productCode) {\n      sequence\n      requestId\n      from\n      to\n      at\n    }\n  }\n"): (typeof documents)["\n  subscription DashboardFeed($status: [SignatureRequestStatus!], $productCode: [String!]) {\n    statusEvents(status: $status, productCode: $productCode) {\n      sequence\n      requestId\n      from\n      to\n      at\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardSandboxState {\n    sandbox {\n      wallet {\n        amountCents\n        currency\n      }\n      faults {\n        errorRate\n        timeoutRate\n        dropCallbacks\n        spidSoldOut\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardSandboxState {\n    sandbox {\n      wallet {\n        amountCents\n        currency\n      }\n      faults {\n        errorRate\n        timeoutRate\n        dropCallbacks\n        spidSoldOut\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardSetFaults($input: SandboxFaultsInput!) {\n    setSandboxFaults(input: $input) {\n      errorRate\n      timeoutRate\n      dropCallbacks\n      spidSoldOut\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardSetFaults($input: SandboxFaultsInput!) {\n    setSandboxFaults(input: $input) {\n      errorRate\n      timeoutRate\n      dropCallbacks\n      spidSoldOut\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardSetWallet($cents: Int!) {\n    setSandboxWallet(balanceCents: $cents) {\n      amountCents\n      currency\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardSetWallet($cents: Int!) {\n    setSandboxWallet(balanceCents: $cents) {\n      amountCents\n      currency\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardReset {\n    resetSandbox(confirm: true) {\n      sandboxRequests\n      gatewayRequests\n      callbacks\n      statusEvents\n      webhookDeliveries\n      mails\n      spidVouchers\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardReset {\n    resetSandbox(confirm: true) {\n      sandboxRequests\n      gatewayRequests\n      callbacks\n      statusEvents\n      webhookDeliveries\n      mails\n      spidVouchers\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardSignIn {\n    viewer {\n      tenant {\n        mode\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardSignIn {\n    viewer {\n      tenant {\n        mode\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardTimeline($id: ID!) {\n    signatureRequestTimeline(id: $id) {\n      request {\n        id\n        requestCode\n        productCode\n        status\n        formUploaded\n        documentUploaded\n        failure {\n          code\n          message\n        }\n      }\n      lifecycle {\n        status\n        current\n        reached\n        failure\n      }\n      nextMoves\n      nextTransitionAt\n      statusChanges {\n        status\n        at\n        sandboxAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardTimeline($id: ID!) {\n    signatureRequestTimeline(id: $id) {\n      request {\n        id\n        requestCode\n        productCode\n        status\n        formUploaded\n        documentUploaded\n        failure {\n          code\n          message\n        }\n      }\n      lifecycle {\n        status\n        current\n        reached\n        failure\n      }\n      nextMoves\n      nextTransitionAt\n      statusChanges {\n        status\n        at\n        sandboxAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardTimelineCallbacks($id: ID!) {\n    signatureRequestTimeline(id: $id) {\n      callbacks {\n        id\n        status\n        state\n        changedAt\n        method\n        url\n        contentType\n        body\n        reason\n        attempts {\n          at\n          status\n          durationMs\n          error\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardTimelineCallbacks($id: ID!) {\n    signatureRequestTimeline(id: $id) {\n      callbacks {\n        id\n        status\n        state\n        changedAt\n        method\n        url\n        contentType\n        body\n        reason\n        attempts {\n          at\n          status\n          durationMs\n          error\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardTimelineDeliveries($id: ID!) {\n    signatureRequestTimeline(id: $id) {\n      webhookDeliveries {\n        ...DashboardDelivery\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardTimelineDeliveries($id: ID!) {\n    signatureRequestTimeline(id: $id) {\n      webhookDeliveries {\n        ...DashboardDelivery\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardTimelineInbox($id: ID!) {\n    signatureRequestTimeline(id: $id) {\n      inbox {\n        id\n        kind\n        subject\n        at\n        to\n        body\n        hasEnvelope\n        envelopePdfBase64\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardTimelineInbox($id: ID!) {\n    signatureRequestTimeline(id: $id) {\n      inbox {\n        id\n        kind\n        subject\n        at\n        to\n        body\n        hasEnvelope\n        envelopePdfBase64\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardRequestUpdated($id: ID!) {\n    signatureRequestUpdated(id: $id) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  subscription DashboardRequestUpdated($id: ID!) {\n    signatureRequestUpdated(id: $id) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardResendCallback($id: ID!) {\n    resendSandboxCallback(callbackId: $id) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardResendCallback($id: ID!) {\n    resendSandboxCallback(callbackId: $id) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardForceOutcome($requestId: ID!, $outcome: SandboxOutcome!) {\n    forceSandboxOutcome(requestId: $requestId, outcome: $outcome) {\n      requestId\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardForceOutcome($requestId: ID!, $outcome: SandboxOutcome!) {\n    forceSandboxOutcome(requestId: $requestId, outcome: $outcome) {\n      requestId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardVideo($requestId: ID!) {\n    requestVideoRecognition(requestId: $requestId) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardVideo($requestId: ID!) {\n    requestVideoRecognition(requestId: $requestId) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardUpload($requestId: ID!, $signedForm: FileInput, $idDocument: FileInput) {\n    uploadIdentificationDocuments(requestId: $requestId, signedForm: $signedForm, idDocument: $idDocument) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardUpload($requestId: ID!, $signedForm: FileInput, $idDocument: FileInput) {\n    uploadIdentificationDocuments(requestId: $requestId, signedForm: $signedForm, idDocument: $idDocument) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardAdvanceToNext {\n    advanceSandboxClockBy(input: { toNextTransition: true }) {\n      now\n      transitions\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardAdvanceToNext {\n    advanceSandboxClockBy(input: { toNextTransition: true }) {\n      now\n      transitions\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardEndpoints {\n    webhookEndpoints {\n      id\n      url\n      description\n      createdAt\n      previousSecretExpiresAt\n    }\n  }\n"): (typeof documents)["\n  query DashboardEndpoints {\n    webhookEndpoints {\n      id\n      url\n      description\n      createdAt\n      previousSecretExpiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardDeliveries($endpointId: ID!) {\n    webhookDeliveries(endpointId: $endpointId, first: 20) {\n      ...DashboardDelivery\n    }\n  }\n"): (typeof documents)["\n  query DashboardDeliveries($endpointId: ID!) {\n    webhookDeliveries(endpointId: $endpointId, first: 20) {\n      ...DashboardDelivery\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardCreateEndpoint($url: String!, $description: String) {\n    createWebhookEndpoint(url: $url, description: $description) {\n      secret\n      endpoint {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardCreateEndpoint($url: String!, $description: String) {\n    createWebhookEndpoint(url: $url, description: $description) {\n      secret\n      endpoint {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardDeleteEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id)\n  }\n"): (typeof documents)["\n  mutation DashboardDeleteEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardExampleWebhook($id: ID!) {\n    sendExampleWebhook(endpointId: $id) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardExampleWebhook($id: ID!) {\n    sendExampleWebhook(endpointId: $id) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardRotateSecret($id: ID!) {\n    rotateWebhookSecret(endpointId: $id) {\n      secret\n      previousSecretExpiresAt\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardRotateSecret($id: ID!) {\n    rotateWebhookSecret(endpointId: $id) {\n      secret\n      previousSecretExpiresAt\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;