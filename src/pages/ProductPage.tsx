/** One product at a shareable address (`#/products/<id>`): big picture, description, price, quantity, Add to cart. */
import { Button, Image, Text, TextField } from '@aws-amplify/ui-react';
import { useState, type FormEvent } from 'react';
import { categoryName, formatPrice } from '../../amplify/domain/catalog.ts';
import { SHIPPING_RULE } from '../../amplify/domain/shipping.ts';
import { EmptyState, PageHeading } from '../components/common.tsx';
import { AddedFeedback } from '../components/Toast.tsx';
import { addWithFeedback } from '../lib/add-to-cart.ts';
import { ORDER_LIMITS } from '../../amplify/domain/order-rules.ts';
import { shopProduct } from '../lib/products.ts';
import { backTo, href, lastCatalogHref } from '../lib/router.ts';
import { useCartLines } from '../lib/app-state.ts';
import { useProductStock } from '../lib/stock.ts';
import { StockNote } from '../components/StockNote.tsx';

const MAX = ORDER_LIMITS.maxQuantityPerItem;

function BackLink() {
  const back = lastCatalogHref();
  return (
    <p className="back-link">
      {/* Back in history when the results are the page before: the list opens where the shopper left it. */}
      <a href={back} onClick={(event) => backTo(back) && event.preventDefault()}>
        ← {back === href.catalog() ? 'Back to the shop' : 'Back to your results'}
      </a>
    </p>
  );
}

/** An address of a product the shop does not sell: back, and a link to every product. */
function ProductNotFound() {
  return (
    <>
      <BackLink />
      <PageHeading title="Product not found">Product not found</PageHeading>
      <EmptyState title="We do not sell this product (any more)">
        <Text>
          <a href={href.catalog()}>See every product</a>
        </Text>
      </EmptyState>
    </>
  );
}

/** Under the form: what was just added (for a moment), else how many the cart holds. */
function InCart({ productId, inCart }: { productId: string; inCart: number }) {
  return (
    <p className="in-cart">
      <AddedFeedback
        full
        productId={productId}
        fallback={
          inCart > 0 ? (
            <>
              {inCart} in your <a href={href.cart()}>cart</a>
            </>
          ) : null
        }
      />
    </p>
  );
}

export default function ProductPage({ productId }: { productId: string }) {
  const product = shopProduct(productId);
  const lines = useCartLines();
  const [quantity, setQuantity] = useState('1');
  const [error, setError] = useState<string>();

  if (!product) return <ProductNotFound />;

  const inCart = lines.find((l) => l.productId === product.productId)?.quantity ?? 0;
  const category = categoryName(product.categoryId);
  const check = (value: string): number | undefined => {
    const n = Number(value);
    return Number.isInteger(n) && n >= 1 && n <= MAX ? n : undefined;
  };
  const add = (event: FormEvent) => {
    event.preventDefault();
    const n = check(quantity);
    if (n === undefined) {
      setError(`Choose a quantity from 1 to ${MAX}.`);
      document.getElementById('quantity')?.focus();
      return;
    }
    setError(undefined);
    addWithFeedback(product, n);
  };

  return (
    <>
      <BackLink />
      <article className="product-detail" aria-labelledby="product-title">
        <Image src={product.image} alt={product.name} width="480" height="360" className="product-detail-image" />
        <div className="product-detail-info">
          {category && (
            <p className="product-category">
              <a href={href.catalog({ category: product.categoryId })}>{category}</a>
            </p>
          )}
          <div id="product-title">
            <PageHeading title={product.name}>{product.name}</PageHeading>
          </div>
          <p className="product-detail-price">{formatPrice(product.price)}</p>
          <Text className="product-detail-description">{product.description}</Text>
          <Text fontSize="small" className="muted">
            Free shipping on orders from {formatPrice(SHIPPING_RULE.freeFromCents / 100)}; {formatPrice(SHIPPING_RULE.flatRateCents / 100)} below.
          </Text>
          <StockNote productId={product.productId} />
          <form className="add-form" onSubmit={add} noValidate>
            <TextField
              id="quantity"
              label="Quantity"
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX}
              width="6rem"
              value={quantity}
              onChange={(e) => {
                setQuantity(e.target.value);
                if (error && check(e.target.value) !== undefined) setError(undefined);
              }}
              onBlur={(e) => setError(check(e.target.value) === undefined ? `Choose a quantity from 1 to ${MAX}.` : undefined)}
              hasError={Boolean(error)}
              errorMessage={error}
            />
            <AddButton productId={product.productId} />
          </form>
          <InCart productId={product.productId} inCart={inCart} />
        </div>
      </article>
    </>
  );
}

/** Add to cart, disabled while the product is out of stock. */
function AddButton({ productId }: { productId: string }) {
  const { state } = useProductStock(productId);
  return (
    <Button type="submit" variation="primary" isDisabled={state === 'out'}>
      Add to cart
    </Button>
  );
}
