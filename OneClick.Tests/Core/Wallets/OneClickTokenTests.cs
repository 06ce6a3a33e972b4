using OneClick.Core.Wallets;

namespace OneClick.Tests.Core.Wallets;

/// <summary>A token's moves: spent once within its 30 days, revoked or expired only while active; the SQL predicates say the same.</summary>
public sealed class OneClickTokenTests
{
    private static readonly DateTime Issued = new(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);

    private static OneClickToken NewToken() => new(64233, 7, "browser-hash", [1, 2, 3], "token-hash", 41, Issued);

    [Fact]
    public void New_token_is_active_for_30_days()
    {
        var token = NewToken();

        token.State.ShouldBe(OneClickTokenState.Active);
        token.ExpiresAt.ShouldBe(Issued.AddDays(30));
        token.IsSpendableAt(Issued.AddDays(30).AddTicks(-1)).ShouldBeTrue();
        token.IsSpendableAt(Issued.AddDays(30)).ShouldBeFalse();
    }

    [Fact]
    public void Spend_active_token_marks_it_used_once()
    {
        var token = NewToken();

        token.Spend(Issued.AddDays(1));

        token.State.ShouldBe(OneClickTokenState.Used);
        token.UsedAt.ShouldBe(Issued.AddDays(1));
        Should.Throw<OneClickTokenStateException>(() => token.Spend(Issued.AddDays(1)));
    }

    [Fact]
    public void Spend_on_day_30_is_refused()
    {
        var token = NewToken();

        Should.Throw<OneClickTokenStateException>(() => token.Spend(Issued.AddDays(30))).Message.ShouldContain("Expired");
        token.State.ShouldBe(OneClickTokenState.Active);
    }

    [Fact]
    public void HandOver_second_time_is_refused_and_keeps_the_first_moment()
    {
        var token = NewToken();

        token.HandOver(Issued.AddSeconds(2)).ShouldBeTrue();
        token.HandOver(Issued.AddSeconds(9)).ShouldBeFalse();

        token.HandedOverAt.ShouldBe(Issued.AddSeconds(2));
    }

    [Fact]
    public void Revoke_active_token_ends_it_and_a_second_revoke_is_refused()
    {
        var token = NewToken();

        token.Revoke();

        token.State.ShouldBe(OneClickTokenState.Revoked);
        Should.Throw<OneClickTokenStateException>(token.Revoke);
        Should.Throw<OneClickTokenStateException>(() => token.Spend(Issued.AddDays(1)));
    }

    [Fact]
    public void Expire_only_from_day_30_on()
    {
        var token = NewToken();

        Should.Throw<OneClickTokenStateException>(() => token.Expire(Issued.AddDays(30).AddTicks(-1)));
        token.Expire(Issued.AddDays(30));

        token.State.ShouldBe(OneClickTokenState.Expired);
    }

    [Fact]
    public void StateAt_active_token_past_its_time_reads_expired()
    {
        var token = NewToken();

        token.StateAt(Issued.AddDays(29)).ShouldBe(OneClickTokenState.Active);
        token.StateAt(Issued.AddDays(30)).ShouldBe(OneClickTokenState.Expired);
        token.Spend(Issued.AddDays(29));
        token.StateAt(Issued.AddDays(31)).ShouldBe(OneClickTokenState.Used);
    }

    public static TheoryData<string, int> Moments => new()
    {
        { "active, day 1", 1 },
        { "active, day 30", 30 },
        { "used, day 1", 1 },
        { "revoked, day 1", 1 },
        { "revoked, day 31", 31 },
    };

    /// <summary>The set-based statements select exactly the tokens the methods accept.</summary>
    [Theory]
    [MemberData(nameof(Moments))]
    public void Predicates_agree_with_the_methods(string state, int day)
    {
        var now = Issued.AddDays(day);

        OneClickTokenTests.Agree(state, OneClickToken.SpendableAt(now).Compile(), t => t.Spend(now));
        OneClickTokenTests.Agree(state, OneClickToken.ExpirableAt(now).Compile(), t => t.Expire(now));
        OneClickTokenTests.Agree(state, OneClickToken.Revocable.Compile(), t => t.Revoke());
    }

    private static void Agree(string state, Func<OneClickToken, bool> predicate, Action<OneClickToken> move)
    {
        var token = NewToken();
        if (state.StartsWith("used", StringComparison.Ordinal))
        {
            token.Spend(Issued);
        }
        else if (state.StartsWith("revoked", StringComparison.Ordinal))
        {
            token.Revoke();
        }

        var selected = predicate(token);
        var accepted = true;
        try
        {
            move(token);
        }
        catch (OneClickTokenStateException)
        {
            accepted = false;
        }

        selected.ShouldBe(accepted, state);
    }
}
