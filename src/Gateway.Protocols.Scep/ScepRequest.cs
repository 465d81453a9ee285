namespace Gateway.Protocols.Scep;

/// <summary>A verified and decrypted SCEP pkiMessage: its type, its transaction and the decrypted messageData.</summary>
internal sealed record ScepRequest(ScepMessageType MessageType, ScepTransaction Transaction, byte[] MessageData, ScepContentCipher Cipher);
