package io.bulwark.store.validation;

import com.google.re2j.PatternSyntaxException;
import io.bulwark.store.work.WorkMeter;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;
import org.hibernate.validator.internal.engine.messageinterpolation.util.InterpolationHelper;

/**
 * {@code @Pattern} with RE2/J instead of {@link java.util.regex}: matching is linear in the input and
 * uses no recursion. {@code java.util.regex} backtracks recursively, so {@code ([a-z]|-)*} over 1,600
 * characters threw StackOverflowError — at a threshold that moves with the JIT, so near it some
 * replicas failed and others replied — and a backtracking pattern can take exponential time.
 * <p>
 * A pattern RE2/J cannot compile (backreferences, lookaround, possessive quantifiers) or a flag it
 * does not have ({@code UNIX_LINES}, {@code COMMENTS}, {@code CANON_EQ}, {@code UNICODE_CASE}) is
 * refused when the store is defined ({@link #check}), with the reason. A match is charged to the
 * operation's {@link WorkMeter} (the validator's payload) before it runs.
 */
public final class Re2PatternValidator implements ConstraintValidator<Pattern, CharSequence> {
    private com.google.re2j.Pattern pattern;
    private String escapedRegexp;
    private long unitsPerChar;

    @Override
    public void initialize(Pattern annotation) {
        pattern = compile(annotation);
        escapedRegexp = InterpolationHelper.escapeMessageParameter(annotation.regexp());
        unitsPerChar = 1 + annotation.regexp().length() / 8;
    }

    @Override
    public boolean isValid(CharSequence value, ConstraintValidatorContext context) {
        if (value == null) return true;
        HibernateConstraintValidatorContext hv = context.unwrap(HibernateConstraintValidatorContext.class);
        hv.addMessageParameter("regexp", escapedRegexp);
        WorkMeter meter = hv.getConstraintValidatorPayload(WorkMeter.class);
        if (meter != null) meter.charge(WorkMeter.Kind.PATTERN_STEP, value.length() * unitsPerChar);
        return pattern.matcher(value).matches();
    }

    /** Refuses (IllegalArgumentException, with the reason) a {@code @Pattern} the linear-time matcher cannot run. */
    public static void check(Pattern annotation, String where) {
        try {
            compile(annotation);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static com.google.re2j.Pattern compile(Pattern annotation) {
        int flags = 0;
        for (Pattern.Flag f : annotation.flags()) {
            flags |= switch (f) {
                case CASE_INSENSITIVE -> com.google.re2j.Pattern.CASE_INSENSITIVE;
                case DOTALL -> com.google.re2j.Pattern.DOTALL;
                case MULTILINE -> com.google.re2j.Pattern.MULTILINE;
                default -> throw new IllegalArgumentException("@Pattern(regexp = \"" + annotation.regexp() + "\") uses flag " + f
                        + ", which the store's linear-time matcher (RE2/J) does not support");
            };
        }
        try {
            return com.google.re2j.Pattern.compile(annotation.regexp(), flags);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("@Pattern(regexp = \"" + annotation.regexp() + "\") cannot be used: the store matches "
                    + "patterns in linear time with RE2/J, which refuses it (" + e.getDescription()
                    + "); backreferences, lookaround and possessive quantifiers are not supported", e);
        }
    }
}
