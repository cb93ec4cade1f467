package io.bulwark.store.validation;

import jakarta.validation.MessageInterpolator;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.Set;
import org.hibernate.validator.internal.engine.messageinterpolation.InterpolationTerm;
import org.hibernate.validator.internal.engine.messageinterpolation.ParameterTermResolver;
import org.hibernate.validator.messageinterpolation.AbstractMessageInterpolator;
import org.hibernate.validator.spi.resourceloading.ResourceBundleLocator;

/**
 * Hibernate Validator's parameter-only interpolation (no Expression Language: nothing evaluated over
 * client values, no JVM-dependent formatting) in one fixed locale, whatever the replica's default.
 * <p>
 * Asking for a locale is not enough: {@link ResourceBundle#getBundle(String, Locale, ClassLoader)}
 * falls back to the JVM's default locale when no bundle matches the one asked for, so an application
 * that ships {@code ValidationMessages_en.properties} and no root bundle got English on an English
 * host and the bare template on a French one. The bundles here are loaded with
 * {@link ResourceBundle.Control#getNoFallbackControl}: the fixed locale's candidates (down to the root
 * bundle) and nothing else.
 */
public final class FixedLocaleInterpolator extends AbstractMessageInterpolator {
    public FixedLocaleInterpolator(Locale locale, ClassLoader loader) {
        super(noFallback(USER_VALIDATION_MESSAGES, loader), noFallback(CONTRIBUTOR_VALIDATION_MESSAGES, loader),
                Set.of(locale), locale, context -> locale, false);
    }

    @Override
    protected String interpolate(MessageInterpolator.Context context, Locale locale, String term) {
        if (InterpolationTerm.isElExpression(term)) return term;   // as ParameterMessageInterpolator: EL stays as written
        return new ParameterTermResolver().interpolate(context, term);
    }

    private static ResourceBundleLocator noFallback(String name, ClassLoader loader) {
        ResourceBundle.Control control = ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);
        return locale -> {
            try {
                return ResourceBundle.getBundle(name, locale, loader, control);
            } catch (MissingResourceException e) {
                return null;   // no such bundle: the template stays (or the next bundle answers)
            }
        };
    }
}
