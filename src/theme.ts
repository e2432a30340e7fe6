/** The storefront's Amplify UI theme: a deep teal brand with AA contrast on white. */
import { createTheme } from '@aws-amplify/ui-react';

const PRIMARY = {
  10: { value: '#e6f4f1' },
  20: { value: '#c2e5de' },
  40: { value: '#4fa898' },
  60: { value: '#1f7a6b' },
  80: { value: '#115e52' },
  90: { value: '#0b4a40' },
  100: { value: '#06352e' },
};

export const theme = createTheme({
  name: 'storefront',
  tokens: {
    colors: {
      // Amplify UI's components use `primary`; `brand.primary` is kept equal for our own CSS.
      primary: PRIMARY,
      brand: { primary: PRIMARY },
    },
    fonts: {
      default: {
        variable: { value: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif" },
        static: { value: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif" },
      },
    },
  },
});
