namespace Gateway.Store;

/// <summary>
/// Stream ids of quota slots: <c>quota-slot:&lt;quota key&gt;#&lt;slot&gt;</c>. A quota of N certificates per window
/// has slots 0..N-1; an issuance takes a slot that is free (last taken before the window) by appending to its stream at
/// the version it saw, in the same commit as the certificate, so two activations or nodes can never fill one slot twice.
/// </summary>
public static class QuotaSlotStreams
{
    public const string Prefix = "quota-slot:";

    public static string For(string quotaKey, int slot) => Prefix + quotaKey + "#" + slot.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
