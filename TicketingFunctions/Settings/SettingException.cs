namespace TicketingFunctions.Settings;

/// <summary>
/// A setting that stops the app, with a message of one line naming it in the documented <c>Section__Key</c> form and
/// saying what to do. Program prints only that line at start-up (no stack trace: nothing in it is the reader's to fix).
/// </summary>
public sealed class SettingException(string message, Exception? innerException = null)
    : InvalidOperationException(message, innerException);
