/** OCPP-J message type numbers (the first element of every frame). */
export const MessageType = { CALL: 2, CALLRESULT: 3, CALLERROR: 4 } as const;
export type MessageTypeNumber = (typeof MessageType)[keyof typeof MessageType];

/** OCPP-J: a message id is a string of at most 36 characters (a UUID fits). */
export const MAX_MESSAGE_ID_LENGTH = 36;

export interface CallFrame {
  type: 2;
  messageId: string;
  action: string;
  payload: Record<string, unknown>;
}

export interface CallResultFrame {
  type: 3;
  messageId: string;
  payload: Record<string, unknown>;
}

export interface CallErrorFrame {
  type: 4;
  messageId: string;
  errorCode: string;
  errorDescription: string;
  errorDetails: Record<string, unknown>;
}

export type Frame = CallFrame | CallResultFrame | CallErrorFrame;
