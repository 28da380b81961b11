using TicketingFunctions.Attachments;
using TicketingFunctions.Services;

namespace TicketingFunctions.Tests.Attachments;

public sealed class AttachmentRulesTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("/etc/passwd", "passwd")]
    [InlineData("C:\\fakepath\\scan.png", "scan.png")]
    [InlineData("..\\..\\x.txt", "x.txt")]
    [InlineData("a\u0000b\u001fc\u007f.txt", "abc.txt")]
    [InlineData("invoice\u202Etxt.exe", "invoicetxt.exe")]
    [InlineData("  .hidden. ", "hidden")]
    [InlineData("photo 🙂.jpg", "photo 🙂.jpg")]
    [InlineData("lone\uD800surrogate", "lonesurrogate")]
    public void File_names_keep_their_last_segment_without_control_or_format_characters(string sent, string cleaned)
    {
        Assert.Equal(cleaned, AttachmentFilename.Clean(sent, out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("dir/")]
    [InlineData("\u0001\u0002")]
    [InlineData(" . ")]
    public void A_name_with_nothing_left_is_refused(string? sent)
    {
        Assert.Null(AttachmentFilename.Clean(sent, out var problem));
        Assert.Equal("The file name is empty once path separators and control characters are removed", problem);
    }

    [Fact]
    public void Names_are_at_most_255_characters_after_cleaning()
    {
        Assert.NotNull(AttachmentFilename.Clean("dir/" + new string('a', 255), out _));
        Assert.Null(AttachmentFilename.Clean(new string('a', 256), out var problem));
        Assert.Equal("The file name must be at most 255 characters long", problem);
    }

    [Theory]
    [InlineData("text/html", "application/octet-stream")]
    [InlineData("TEXT/HTML; charset=utf-8", "application/octet-stream")]
    [InlineData("image/svg+xml", "application/octet-stream")]
    [InlineData("application/xhtml+xml", "application/octet-stream")]
    [InlineData("text/plain; charset=utf-8", "text/plain; charset=utf-8")]
    [InlineData("image/png", "image/png")]
    public void Pages_are_served_as_bytes_and_everything_else_as_stored(string stored, string served) =>
        Assert.Equal(served, AttachmentService.ServedContentType(stored));

    [Theory]
    [InlineData("Text/Plain; Charset=UTF-8; format=flowed", "text/plain; charset=utf-8")]
    [InlineData("application/pdf", "application/pdf")]
    [InlineData("not a type", null)]
    public void Content_types_are_stored_lowercase_with_only_their_charset(string sent, string? stored) =>
        Assert.Equal(stored, UploadBody.Normalize(sent));
}
