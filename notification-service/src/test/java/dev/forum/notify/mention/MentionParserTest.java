package dev.forum.notify.mention;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class MentionParserTest {

    private static Set<String> users(String content) {
        return MentionParser.parse(content).usernames();
    }

    @Test
    void parseFindsUsernameMention() {
        assertThat(users("hello @alice, how are you?")).containsExactly("alice");
    }

    @Test
    void parseLowercasesUsernames() {
        assertThat(users("@Alice and @BOB")).containsExactlyInAnyOrder("alice", "bob");
    }

    @Test
    void parseReportsEachUserOnce() {
        assertThat(users("@bob @Bob @bob")).containsExactly("bob");
    }

    @Test
    void parseAcceptsDotsDashesUnderscoresInsideNames() {
        assertThat(users("@jean.luc @mary-ann @big_bob")).containsExactlyInAnyOrder("jean.luc", "mary-ann", "big_bob");
    }

    @Test
    void parseDropsTrailingSentencePunctuation() {
        assertThat(users("thanks @alice. And @bob-")).containsExactlyInAnyOrder("alice", "bob");
    }

    @Test
    void parseAcceptsMentionAfterPunctuationAndMarkup() {
        assertThat(users("(@alice) **@bob** *@carol* >@dave")).containsExactlyInAnyOrder("alice", "bob", "carol", "dave");
    }

    @Test
    void parseAcceptsMentionAtLineStart() {
        assertThat(users("first line\n@alice second")).containsExactly("alice");
    }

    @Test
    void parseIgnoresEmailAddresses() {
        assertThat(MentionParser.parse("mail bob@example.com or alice.smith+x@team.org").isEmpty()).isTrue();
    }

    @Test
    void parseIgnoresUrls() {
        Mentions m = MentionParser.parse("see https://mastodon.social/@alice and www.example.com/@bob "
                + "and [link](http://x.org/@everyone)");
        assertThat(m.isEmpty()).isTrue();
    }

    @Test
    void parseIgnoresInlineCodeSpans() {
        assertThat(users("run `@alice` or ``x @bob ` y`` but @carol")).containsExactly("carol");
    }

    @Test
    void parseTreatsUnmatchedBacktickAsLiteral() {
        assertThat(users("a ` tick then @alice")).containsExactly("alice");
    }

    @Test
    void parseIgnoresFencedCodeBlocks() {
        String content = "before @alice\n```java\n@Override @bob\n```\nafter @carol\n~~~\n@dave\n~~~";
        assertThat(users(content)).containsExactlyInAnyOrder("alice", "carol");
    }

    @Test
    void parseIgnoresEverythingAfterAnUnclosedFence() {
        assertThat(users("@alice\n```\n@bob never closed")).containsExactly("alice");
    }

    @Test
    void parseIgnoresIndentedCodeBlocks() {
        String content = "text @alice\n\n    @bob in code\n\tstill @carol\nback to @dave";
        assertThat(users(content)).containsExactlyInAnyOrder("alice", "dave");
    }

    @Test
    void parseKeepsIndentedContinuationOfParagraph() {
        assertThat(users("a paragraph\n    continued @alice")).containsExactly("alice");
    }

    @Test
    void parseRecognisesTeamCaseInsensitively() {
        Mentions m = MentionParser.parse("ping @Team please");
        assertThat(m.team()).isTrue();
        assertThat(m.usernames()).isEmpty();
    }

    @Test
    void parseRecognisesEveryone() {
        Mentions m = MentionParser.parse("@EVERYONE: meeting at 5");
        assertThat(m.everyone()).isTrue();
        assertThat(m.usernames()).isEmpty();
    }

    @Test
    void parseIgnoresEveryoneInCode() {
        assertThat(MentionParser.parse("`@everyone` is how you ping all").everyone()).isFalse();
    }

    @Test
    void parseIgnoresTeamInsideEmail() {
        assertThat(MentionParser.parse("write to support@team.com").team()).isFalse();
    }

    @Test
    void parseIgnoresBareAtSign() {
        assertThat(MentionParser.parse("meet @ 5 or @@ or @").isEmpty()).isTrue();
    }

    @Test
    void parseIgnoresOverlongNames() {
        assertThat(users("@" + "a".repeat(MentionParser.MAX_USERNAME + 1))).isEmpty();
    }

    @Test
    void parseHandlesNullAndEmpty() {
        assertThat(MentionParser.parse(null).isEmpty()).isTrue();
        assertThat(MentionParser.parse("").isEmpty()).isTrue();
    }

    @Test
    void parseFindsNoMentionWithoutAtSign() {
        assertThat(MentionParser.parse("no mentions here").isEmpty()).isTrue();
    }
}
